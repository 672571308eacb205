; Kernel thread switching. A thread not running is just its stack: the callee-saved
; registers and RFLAGS pushed by cpu_switch_context and a return address. SSE registers
; are caller-saved in the System V ABI, so a switch at a call boundary need not save
; them (interrupt entry saves them itself). RFLAGS is each thread's own: the thread
; switched to gets back its interrupt flag, AC (a fault inside a user copy may sleep)
; and DF, whatever the thread switched from ran with; never a user's NT, which would
; make its next iretq a #GP (issue 16, item 1).
bits 64
%include "callee_saved.inc"
section .text

; void cpu_switch_context(ulong* saveRsp, ulong newRsp)
global cpu_switch_context
cpu_switch_context:
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
