; Start-up code of the C# user programs, and the Core runtime's native needs in
; user mode (CosmosKernel.Core/Internal/RuntimeImports.cs): output goes to stderr, halting is
; exit_group(134), the heap arena is this image's BSS.
bits 64

; The syscall numbers: generated from CosmosKernel/Abi/ (build/AbiHeaders.targets).
%include "cosmos_abi.inc"
HEAP_ARENA_SIZE equ 4 * 1024 * 1024

section .text
extern cosmos_user_main
global _start
_start:
    xor ebp, ebp
    mov rdi, rsp                ; the Linux initial stack: argc, argv, envp, auxv
    and rsp, ~15
    call cosmos_user_main       ; returns the exit status
    mov edi, eax
    mov eax, ABI_SYSCALL_NUMBERS_EXIT_GROUP
    syscall
    ud2

; long cosmos_syscall(nr, a0, a1, a2, a3, a4, a5): System V arguments to the
; syscall registers (rax; rdi, rsi, rdx, r10, r8, r9).
global cosmos_syscall
cosmos_syscall:
    mov rax, rdi
    mov rdi, rsi
    mov rsi, rdx
    mov rdx, rcx
    mov r10, r8
    mov r8, r9
    mov r9, [rsp + 8]
    syscall
    ret

; long cosmos_clone_thread(flags, stack_top, parent_tid, child_tid, tls, fn, arg)
; A thread that runs fn(arg) on stack_top, then exit(0). As glibc's clone, fn and
; arg travel on the new stack: the child starts with only rip, rsp and rax = 0.
global cosmos_clone_thread
cosmos_clone_thread:
    mov rax, [rsp + 8]              ; arg
    sub rsi, 16
    mov [rsi], r9                   ; fn
    mov [rsi + 8], rax
    mov r10, rcx                    ; child_tid
    mov eax, ABI_SYSCALL_NUMBERS_CLONE
    syscall
    test rax, rax
    jnz .parent                     ; the parent gets the tid (or -errno)
    pop rax                         ; the child: fn
    pop rdi                         ;            arg
    call rax
    xor edi, edi
    mov eax, ABI_SYSCALL_NUMBERS_EXIT               ; this thread only
    syscall
    ud2
.parent:
    ret

global runtime_yield
runtime_yield:
    mov eax, ABI_SYSCALL_NUMBERS_SCHED_YIELD
    syscall
    ret

; Who runs a static constructor: one marker for every thread of the program (a second
; thread that touches a class whose cctor runs goes on: docs/runtime.md).
global runtime_execution_marker
runtime_execution_marker:
    xor eax, eax
    ret

global runtime_debug_write
runtime_debug_write:            ; (text, length) -> write(2, text, length)
    mov rdx, rsi
    mov rsi, rdi
    mov edi, 2
    mov eax, ABI_SYSCALL_NUMBERS_WRITE
    syscall
    ret

global runtime_halt
runtime_halt:
    mov edi, 134
    mov eax, ABI_SYSCALL_NUMBERS_EXIT_GROUP
    syscall
    ud2

; ld defines __start_/__stop_ for the orphan section __modules.
extern __start___modules, __stop___modules
global runtime_modules_start, runtime_modules_end
runtime_modules_start:
    lea rax, [rel __start___modules]
    ret
runtime_modules_end:
    lea rax, [rel __stop___modules]
    ret

global runtime_heap_arena, runtime_heap_arena_size
runtime_heap_arena:
    lea rax, [rel heap_arena]
    ret
runtime_heap_arena_size:
    mov rax, HEAP_ARENA_SIZE
    ret

section .bss
alignb 4096
heap_arena: resb HEAP_ARENA_SIZE    ; pages cost frames only once touched (demand zero)

section .text
; ulong cosmos_rdtsc(): the time-stamp counter (ring 3 may read it: CR4.TSD is clear).
global cosmos_rdtsc
cosmos_rdtsc:
    rdtsc
    shl rdx, 32
    or rax, rdx
    ret
