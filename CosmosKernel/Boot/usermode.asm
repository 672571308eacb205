; Ring 3: entering user mode and the syscall entry.
;
; A user thread is a kernel thread that entered ring 3 with cpu_enter_user and never
; returns to the kernel code that called it: syscalls and interrupts come in on its
; kernel stack (TSS.RSP0 and the per-CPU SyscallStackTop, switched by the scheduler),
; and when the thread ends, the scheduler drops that stack. In ring 3 GS is the
; user's; swapgs brings the kernel's (the per-CPU block, CosmosKernel.HAL/CpuLocal.cs) on entry.

PERCPU_SYSCALL_STACK equ 8
PERCPU_USER_RSP      equ 16
bits 64
%include "callee_saved.inc"
section .text

USER_DATA equ 0x18 | 3
USER_CODE equ 0x20 | 3

global cpu_enter_user
cpu_enter_user:                     ; rdi = user rip, rsi = user rsp, rdx = rflags; no return
    push USER_DATA                  ; ss
    push rsi                        ; rsp
    push rdx                        ; rflags
    push USER_CODE                  ; cs
    push rdi                        ; rip
    ; No kernel value may reach user mode.
    xor eax, eax
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    xor esi, esi
    xor edi, edi
    xor ebp, ebp
    xor r8d, r8d
    xor r9d, r9d
    xor r10d, r10d
    xor r11d, r11d
    xor r12d, r12d
    xor r13d, r13d
    xor r14d, r14d
    xor r15d, r15d
    pxor xmm0, xmm0
    pxor xmm1, xmm1
    pxor xmm2, xmm2
    pxor xmm3, xmm3
    pxor xmm4, xmm4
    pxor xmm5, xmm5
    pxor xmm6, xmm6
    pxor xmm7, xmm7
    swapgs
    iretq

; syscall: rcx = user rip, r11 = user rflags, rax = number, args in rdi rsi rdx r10 r8 r9.
; Builds a SyscallFrame (CosmosKernel.HAL/SyscallFrame.cs) on the kernel stack and calls C#.
extern syscall_dispatch
global cpu_syscall_entry
cpu_syscall_entry:
    swapgs
    mov [gs:PERCPU_USER_RSP], rsp
    mov rsp, [gs:PERCPU_SYSCALL_STACK]
    push qword [gs:PERCPU_USER_RSP]
    push rcx
    push r11
    push rax
    push rdi
    push rsi
    push rdx
    push r10
    push r8
    push r9
    PUSH_CALLEE_SAVED
    mov rbx, rsp
    and rsp, ~15
    SAVE_SSE
    mov rdi, rbx
    cld
    call syscall_dispatch
    RESTORE_SSE
    mov rsp, rbx
syscall_return:                     ; rsp = a SyscallFrame: restore it and return to ring 3
    POP_CALLEE_SAVED
    pop r9
    pop r8
    pop r10
    pop rdx
    pop rsi
    pop rdi
    pop rax
    pop r11
    pop rcx
    pop rsp
    swapgs
    o64 sysret

; void cpu_resume_user(SyscallFrame* frame): return to ring 3 as if from a syscall,
; with the registers in `frame` (a forked child's first return, with rax = 0).
global cpu_resume_user
cpu_resume_user:
    mov rsp, rdi
    pxor xmm0, xmm0
    jmp syscall_return

global cpu_syscall_entry_address
cpu_syscall_entry_address:
    lea rax, [rel cpu_syscall_entry]
    ret
