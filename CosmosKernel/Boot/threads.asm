; Kernel thread switching. A thread not running is just its stack: the callee-saved
; registers and RFLAGS pushed by cpu_switch_context and a return address, and its FPU
; state. SSE registers are caller-saved in the System V ABI, so the kernel's own values
; need no saving at a call boundary, and a program's xmm0-15 and MXCSR are saved by the
; entry from ring 3 (SAVE_SSE); but its x87 state (the kernel never touches x87) is
; still in the CPU when the kernel switches threads, so the switch saves the whole
; fxsave area of the thread it leaves and loads the one of the thread it goes to
; (saveFpu, loadFpu: 512 bytes, 16-aligned; null for threads without one). RFLAGS is each thread's own: the thread
; switched to gets back its interrupt flag, AC (a fault inside a user copy may sleep)
; and DF, whatever the thread switched from ran with; never a user's NT, which would
; make its next iretq a #GP (issue 16, item 1).
bits 64
%include "callee_saved.inc"
section .text

; void cpu_switch_context(ulong* saveRsp, ulong newRsp, void* saveFpu, void* loadFpu)
global cpu_switch_context
cpu_switch_context:
    test rdx, rdx
    jz .no_save
    fxsave [rdx]
.no_save:
    test rcx, rcx
    jz .no_load
    fxrstor [rcx]
.no_load:
    PUSH_CALLEE_SAVED
    pushfq
    mov [rdi], rsp
    mov rsp, rsi
    popfq
    POP_CALLEE_SAVED
    ret

; First code of a new thread: the initial frame built by the scheduler holds RFLAGS
; (interrupts off, as all kernel code runs), the entry point in r12 and its argument
; in r13. When the entry returns, the thread exits.
extern scheduler_thread_exit
global cpu_thread_start
cpu_thread_start:
    mov rdi, r13
    call r12
    call scheduler_thread_exit
    ud2

global cpu_thread_start_address
cpu_thread_start_address:
    lea rax, [rel cpu_thread_start]
    ret

; void cpu_fxsave(void* image): the x87 and SSE state into a 512-byte, 16-aligned image
; (a signal frame's: the x87 part is the thread's own, as the kernel never uses x87).
global cpu_fxsave
cpu_fxsave:
    fxsave [rdi]
    ret
