; hostile: calls syscalls with hostile arguments (NULL, kernel and non-canonical
; addresses, wrapping pointer+length, huge lengths, unaligned addresses, unknown
; flags and numbers) and checks each returns its Linux errno; then checks that no
; frame leaked. Prints one line per failed check and a summary:
;   hostile: N/M checks passed
%include "syscall.inc"
bits 64

%define EPERM 1
%define EBADF 9
%define ENOMEM 12
%define EFAULT 14
%define EINVAL 22
%define ENOSYS 38
%define EOPNOTSUPP 95
%define EAGAIN 11
%define ECHILD 10
%define ENOENT 2
%define EROFS 30
%define ENODEV 19

; EXPECT expected, nr, a0, a1, a2, a3, a4, a5
%macro EXPECT 8
    mov rax, %2
    mov rdi, %3
    mov rsi, %4
    mov rdx, %5
    mov r10, %6
    mov r8, %7
    mov r9, %8
    syscall
    mov rbx, %1
    mov r12d, __LINE__
    call check
%endmacro

section .text
global _start
_start:
    ; frames in use before (after touching our own buffers once)
    mov byte [rel buffer], 0
    xor esi, esi                ; cosmos_vmm_info's flags: none
    mov rax, SYS_cosmos_vmm_info
    lea rdi, [rel info_before]
    syscall
    mov rax, SYS_cosmos_vmm_info
    lea rdi, [rel info_after]
    syscall
    mov rax, SYS_cosmos_vmm_info
    lea rdi, [rel info_before]
    syscall

    lea r13, [rel buffer]
    ; write
    EXPECT -EFAULT, SYS_write, 1, 0, 10, 0, 0, 0                        ; NULL
    EXPECT -EFAULT, SYS_write, 1, 0xFFFF800000000000, 10, 0, 0, 0       ; kernel direct map
    EXPECT -EFAULT, SYS_write, 1, 0xFFFFFFFF80100000, 10, 0, 0, 0       ; kernel image
    EXPECT -EFAULT, SYS_write, 1, 0x0000800000000000, 10, 0, 0, 0       ; non-canonical
    EXPECT -EFAULT, SYS_write, 1, 0xFFFFFFFFFFFFFFF0, 0x20, 0, 0, 0     ; pointer + length wraps
    EXPECT -EFAULT, SYS_write, 1, 0x00007FFFFFFFF000, 0x2000, 0, 0, 0   ; runs past user space
    EXPECT -EBADF, SYS_write, 99, r13, 1, 0, 0, 0                       ; unknown fd
    EXPECT 0, SYS_write, 1, r13, 0, 0, 0, 0                              ; zero length
    ; mmap
    EXPECT -EINVAL, SYS_mmap, 0, 0, 3, 0x22, -1, 0                       ; zero length
    EXPECT -EINVAL, SYS_mmap, 0, 4096, 3, 0x20, -1, 0                    ; neither shared nor private
    EXPECT -EOPNOTSUPP, SYS_mmap, 0, 4096, 3, 0x23 | 0x4000000, -1, 0    ; MAP_SHARED_VALIDATE + unknown flag
    EXPECT -EINVAL, SYS_mmap, 0, 4096, 0x100, 0x22, -1, 0                ; unknown protection bit
    EXPECT -EINVAL, SYS_mmap, 0x10001, 4096, 3, 0x32, -1, 0              ; MAP_FIXED unaligned
    EXPECT -ENOMEM, SYS_mmap, 0xFFFF800000000000, 4096, 3, 0x32, -1, 0   ; MAP_FIXED on the kernel
    EXPECT -ENOMEM, SYS_mmap, 0, 0xFFFFFFFFFFFF0000, 3, 0x22, -1, 0      ; huge length
    EXPECT -EBADF, SYS_mmap, 0, 4096, 1, 0x02, 7, 0                      ; file mapping of a bad fd
    ; munmap
    EXPECT -EINVAL, SYS_munmap, 0x10001, 4096, 0, 0, 0, 0                ; unaligned
    EXPECT -EINVAL, SYS_munmap, 0x10000, 0, 0, 0, 0, 0                   ; zero length
    EXPECT -EINVAL, SYS_munmap, 0xFFFF800000000000, 4096, 0, 0, 0, 0     ; kernel address
    EXPECT -EINVAL, SYS_munmap, 0x00007FFFFFFFF000, 0x10000, 0, 0, 0, 0  ; past user space
    ; mprotect
    EXPECT -EINVAL, SYS_mprotect, 0x10001, 4096, 1, 0, 0, 0              ; unaligned
    EXPECT -EINVAL, SYS_mprotect, r13, 4096, 0x100, 0, 0, 0              ; unknown protection bit
    EXPECT -ENOMEM, SYS_mprotect, 0x20000000, 4096, 1, 0, 0, 0           ; nothing mapped there
    EXPECT -ENOMEM, SYS_mprotect, 0xFFFF800000000000, 4096, 1, 0, 0, 0   ; kernel address
    ; uname, arch_prctl, the project syscall
    EXPECT -EFAULT, SYS_uname, 0, 0, 0, 0, 0, 0
    EXPECT -EFAULT, SYS_uname, 0xFFFFFFFF80100000, 0, 0, 0, 0, 0
    EXPECT -EINVAL, SYS_arch_prctl, 0x9999, 0, 0, 0, 0, 0
    EXPECT -EPERM, SYS_arch_prctl, 0x1002, 0xFFFF800000000000, 0, 0, 0, 0
    EXPECT -EFAULT, SYS_arch_prctl, 0x1003, 0, 0, 0, 0, 0
    EXPECT -EFAULT, SYS_cosmos_vmm_info, 0xFFFF800000000000, 0, 0, 0, 0, 0
    EXPECT -EINVAL, SYS_cosmos_vmm_info, r13, 2, 0, 0, 0, 0              ; unknown flag
    ; clock_gettime, nanosleep, futex, clone
    EXPECT -EINVAL, 228, 99, r13, 0, 0, 0, 0                             ; unknown clock
    EXPECT -EFAULT, 228, 1, 0, 0, 0, 0, 0                                ; NULL timespec
    EXPECT -EFAULT, 228, 1, 0xFFFFFFFF80100000, 0, 0, 0, 0               ; kernel timespec
    EXPECT -EFAULT, 35, 0, 0, 0, 0, 0, 0                                 ; nanosleep(NULL)
    lea r14, [rel bad_timespec]
    EXPECT -EINVAL, 35, r14, 0, 0, 0, 0, 0                               ; tv_nsec >= 1e9
    EXPECT -EFAULT, 202, 0, 0, 0, 0, 0, 0                                ; futex wait on NULL
    lea r14, [rel buffer + 2]
    EXPECT -EINVAL, 202, r14, 0, 0, 0, 0, 0                              ; unaligned futex word
    EXPECT -EAGAIN, 202, r13, 0, 1, 0, 0, 0                              ; value differs: no sleep
    EXPECT -ENOSYS, 202, r13, 99, 0, 0, 0, 0                             ; unknown futex operation
    EXPECT -EINVAL, 56, 0x10000, r13, 0, 0, 0, 0                         ; CLONE_THREAD without CLONE_VM
    EXPECT -ENOSYS, 56, 17, 0, 0, 0, 0, 0                                ; fork-like clone: not yet
    EXPECT -EINVAL, 56, 0x10900, 0, 0, 0, 0, 0                           ; thread without a stack
    ; read, close, pipe
    EXPECT -EBADF, 0, 99, r13, 1, 0, 0, 0                                ; read from an unknown fd
    EXPECT -EBADF, 3, 99, 0, 0, 0, 0, 0                                  ; close an unknown fd
    EXPECT -EFAULT, 22, 0, 0, 0, 0, 0, 0                                 ; pipe(NULL)
    EXPECT -EINVAL, 293, r13, 0x4000, 0, 0, 0, 0                         ; pipe2 with an unknown flag
    ; wait4, cosmos_spawn
    EXPECT -ECHILD, 61, -1, 0, 0, 0, 0, 0                                ; no children
    EXPECT -EINVAL, 61, -1, 0, 0x40000000, 0, 0, 0                       ; unknown option
    EXPECT -EFAULT, SYS_cosmos_spawn, 0, 0, 0, 0, 0, 0                               ; spawn(NULL)
    lea r14, [rel no_such_program]
    EXPECT -ENOENT, SYS_cosmos_spawn, r14, 0, 0, 0, 0, 0                             ; no such program
    ; the lab's and the benchmarks' syscalls: EPERM unless booted with `lab` or
    ; `bench`; under those, each checks its arguments
    mov rax, SYS_cosmos_set_strategy                                                         ; cosmos_set_strategy("nosuchprogram")
    mov rdi, r14
    syscall
    cmp rax, -EPERM
    jne .lab_syscalls
    EXPECT -EPERM, SYS_cosmos_set_strategy, r14, 0, 0, 0, 0, 0                              ; set_strategy: not booted with lab
    EXPECT -EPERM, SYS_cosmos_double_fetch_demo, r13, 0, 0, 0, 0, 0                              ; double-fetch demo: not booted with lab
    EXPECT -EPERM, SYS_cosmos_bench, 1, r13, 64, 0, 1, 0                             ; timed memcpy: not booted with bench
    EXPECT -EPERM, SYS_cosmos_bench, 2, r13, 0, 0, 0, 0                              ; lock fairness: not booted with lab
    EXPECT -EPERM, SYS_cosmos_vmm_info, r13, 1, 0, 0, 0, 0               ; a heap collection: not booted with lab
    jmp .lab_syscalls_done
.lab_syscalls:
    EXPECT -EINVAL, SYS_cosmos_set_strategy, r14, 0, 0, 0, 0, 0                             ; no such strategy
    EXPECT -EFAULT, SYS_cosmos_double_fetch_demo, 0, 0, 0, 0, 0, 0                               ; request NULL
    EXPECT -EFAULT, SYS_cosmos_double_fetch_demo, 0xFFFFFFFF80100000, 0, 0, 0, 0, 0              ; request in the kernel
    EXPECT -EINVAL, SYS_cosmos_double_fetch_demo, r13, 7, 0, 0, 0, 0                             ; unknown variant
    mov qword [r13], 0                                                    ; request { NULL, 300 }
    mov qword [r13 + 8], 300
    EXPECT -EINVAL, SYS_cosmos_double_fetch_demo, r13, 0, 0, 0, 0, 0                             ; length over the limit
    mov qword [r13 + 8], 16
    EXPECT -EFAULT, SYS_cosmos_double_fetch_demo, r13, 0, 0, 0, 0, 0                             ; data pointer NULL
    mov qword [r13 + 8], 0
    EXPECT -EINVAL, SYS_cosmos_bench, 9, r13, 64, 0, 1, 0                            ; unknown benchmark
    EXPECT -EINVAL, SYS_cosmos_bench, 1, r13, 0, 0, 1, 0                             ; zero size
    EXPECT -EINVAL, SYS_cosmos_bench, 2, r13, 0, 5, 0, 0                             ; unknown lock kind
    EXPECT 0, SYS_cosmos_vmm_info, r13, 1, 0, 0, 0, 0                    ; the heap figures after a collection
.lab_syscalls_done:
    ; open (the GRUB modules, read-only) and mmap of what is not a file
    EXPECT -EFAULT, 2, 0, 0, 0, 0, 0, 0                                  ; open(NULL)
    EXPECT -EFAULT, 2, 0xFFFFFFFF80100000, 0, 0, 0, 0, 0                 ; path in the kernel
    lea r14, [rel no_such_file]
    EXPECT -ENOENT, 2, r14, 0, 0, 0, 0, 0                                ; no such module
    lea r14, [rel hello_file]
    EXPECT -EROFS, 2, r14, 1, 0, 0, 0, 0                                 ; O_WRONLY
    EXPECT -EROFS, 2, r14, 0x40, 0, 0, 0, 0                              ; O_CREAT
    EXPECT -EBADF, SYS_mmap, 0, 4096, 1, 2, 99, 0                        ; file mapping of an unknown fd
    EXPECT -ENODEV, SYS_mmap, 0, 4096, 1, 2, 1, 0                        ; file mapping of the console
    ; unknown syscall numbers
    EXPECT -ENOSYS, 9999, 0, 0, 0, 0, 0, 0
    EXPECT -ENOSYS, -1, 0, 0, 0, 0, 0, 0
    EXPECT -ENOSYS, 0x100000000, 0, 0, 0, 0, 0, 0

    ; brk with a kernel address leaves the break unchanged
    mov eax, SYS_brk
    xor edi, edi
    syscall
    mov r14, rax
    EXPECT r14, SYS_brk, 0xFFFF800000000000, 0, 0, 0, 0, 0

    ; no frame leaked by all of the above
    xor esi, esi
    mov rax, SYS_cosmos_vmm_info
    lea rdi, [rel info_after]
    syscall
    mov rax, [rel info_after + VMM_INFO_FRAMES_USED]
    mov r12d, __LINE__
    mov rbx, [rel info_before + VMM_INFO_FRAMES_USED]
    call check

    ; summary
    PRINT summary_prefix
    mov eax, [rel passed]
    call print_number
    PRINT slash
    mov eax, [rel total]
    call print_number
    PRINT summary_suffix
    mov eax, [rel passed]
    cmp eax, [rel total]
    jne .failed
    EXIT 0
.failed:
    EXIT 1

; rax = result, rbx = expected, r12d = source line
check:
    inc dword [rel total]
    cmp rax, rbx
    jne .mismatch
    inc dword [rel passed]
    ret
.mismatch:
    push rax
    PRINT failed_prefix
    mov eax, r12d
    call print_number
    PRINT failed_suffix
    pop rax
    ret

; print eax in decimal
print_number:
    lea rsi, [rel digits_end]
    mov ecx, 10
.next:
    xor edx, edx
    div ecx
    add dl, '0'
    dec rsi
    mov [rsi], dl
    test eax, eax
    jnz .next
    lea rdx, [rel digits_end]
    sub rdx, rsi
    mov eax, SYS_write
    mov edi, 1
    syscall
    ret

section .rodata
STRING summary_prefix, "hostile: "
STRING slash, "/"
STRING summary_suffix, " checks passed", 10
STRING failed_prefix, "hostile: FAILED check at hostile.asm line "
STRING failed_suffix, 10

section .data
bad_timespec: dq 0, 2000000000
no_such_program: db "nosuchprogram", 0
no_such_file: db "/modules/nosuchprogram", 0
hello_file: db "/modules/hello", 0
passed: dd 0
total: dd 0

section .bss
alignb 16
digits: resb 16
digits_end:
info_before: resb 256     ; struct cosmos_vmm_info (VMM_INFO_SIZE bytes), with room to grow
info_after: resb 256
alignb 4096
buffer: resb 4096
