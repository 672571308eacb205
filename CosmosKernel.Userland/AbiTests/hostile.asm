; hostile: calls syscalls with hostile arguments (NULL, kernel and non-canonical
; addresses, wrapping pointer+length, huge lengths, unaligned addresses, unknown
; flags and numbers) and checks each returns its Linux errno; then checks that no
; frame leaked. Prints one line per failed check and a summary:
;   hostile: N/M checks passed
%include "syscall.inc"
bits 64

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
    mov rax, ABI_SYSCALL_NUMBERS_COSMOS_VMM_INFO
    lea rdi, [rel info_before]
    syscall
    mov rax, ABI_SYSCALL_NUMBERS_COSMOS_VMM_INFO
    lea rdi, [rel info_after]
    syscall
    mov rax, ABI_SYSCALL_NUMBERS_COSMOS_VMM_INFO
    lea rdi, [rel info_before]
    syscall

    lea r13, [rel buffer]
    ; write
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_WRITE, 1, 0, 10, 0, 0, 0                        ; NULL
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_WRITE, 1, 0xFFFF800000000000, 10, 0, 0, 0       ; kernel direct map
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_WRITE, 1, 0xFFFFFFFF80100000, 10, 0, 0, 0       ; kernel image
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_WRITE, 1, 0x0000800000000000, 10, 0, 0, 0       ; non-canonical
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_WRITE, 1, 0xFFFFFFFFFFFFFFF0, 0x20, 0, 0, 0     ; pointer + length wraps
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_WRITE, 1, 0x00007FFFFFFFF000, 0x2000, 0, 0, 0   ; runs past user space
    EXPECT -ABI_ERRNO_EBADF, ABI_SYSCALL_NUMBERS_WRITE, 99, r13, 1, 0, 0, 0                       ; unknown fd
    EXPECT 0, ABI_SYSCALL_NUMBERS_WRITE, 1, r13, 0, 0, 0, 0                              ; zero length
    ; mmap
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_MMAP, 0, 0, 3, 0x22, -1, 0                       ; zero length
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_MMAP, 0, 4096, 3, 0x20, -1, 0                    ; neither shared nor private
    EXPECT -ABI_ERRNO_EOPNOTSUPP, ABI_SYSCALL_NUMBERS_MMAP, 0, 4096, 3, 0x23 | 0x4000000, -1, 0    ; MAP_SHARED_VALIDATE + unknown flag
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_MMAP, 0, 4096, 0x100, 0x22, -1, 0                ; unknown protection bit
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_MMAP, 0x10001, 4096, 3, 0x32, -1, 0              ; MAP_FIXED unaligned
    EXPECT -ABI_ERRNO_ENOMEM, ABI_SYSCALL_NUMBERS_MMAP, 0xFFFF800000000000, 4096, 3, 0x32, -1, 0   ; MAP_FIXED on the kernel
    EXPECT -ABI_ERRNO_ENOMEM, ABI_SYSCALL_NUMBERS_MMAP, 0, 0xFFFFFFFFFFFF0000, 3, 0x22, -1, 0      ; huge length
    EXPECT -ABI_ERRNO_EBADF, ABI_SYSCALL_NUMBERS_MMAP, 0, 4096, 1, 0x02, 7, 0                      ; file mapping of a bad fd
    ; munmap
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_MUNMAP, 0x10001, 4096, 0, 0, 0, 0                ; unaligned
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_MUNMAP, 0x10000, 0, 0, 0, 0, 0                   ; zero length
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_MUNMAP, 0xFFFF800000000000, 4096, 0, 0, 0, 0     ; kernel address
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_MUNMAP, 0x00007FFFFFFFF000, 0x10000, 0, 0, 0, 0  ; past user space
    ; mprotect
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_MPROTECT, 0x10001, 4096, 1, 0, 0, 0              ; unaligned
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_MPROTECT, r13, 4096, 0x100, 0, 0, 0              ; unknown protection bit
    EXPECT -ABI_ERRNO_ENOMEM, ABI_SYSCALL_NUMBERS_MPROTECT, 0x20000000, 4096, 1, 0, 0, 0           ; nothing mapped there
    EXPECT -ABI_ERRNO_ENOMEM, ABI_SYSCALL_NUMBERS_MPROTECT, 0xFFFF800000000000, 4096, 1, 0, 0, 0   ; kernel address
    ; uname, arch_prctl, the project syscall
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_UNAME, 0, 0, 0, 0, 0, 0
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_UNAME, 0xFFFFFFFF80100000, 0, 0, 0, 0, 0
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_ARCH_PRCTL, 0x9999, 0, 0, 0, 0, 0
    EXPECT -ABI_ERRNO_EPERM, ABI_SYSCALL_NUMBERS_ARCH_PRCTL, 0x1002, 0xFFFF800000000000, 0, 0, 0, 0
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_ARCH_PRCTL, 0x1003, 0, 0, 0, 0, 0
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_COSMOS_VMM_INFO, 0xFFFF800000000000, 0, 0, 0, 0, 0
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_COSMOS_VMM_INFO, r13, 2, 0, 0, 0, 0              ; unknown flag
    ; clock_gettime, nanosleep, futex, clone
    EXPECT -ABI_ERRNO_EINVAL, 228, 99, r13, 0, 0, 0, 0                             ; unknown clock
    EXPECT -ABI_ERRNO_EFAULT, 228, 1, 0, 0, 0, 0, 0                                ; NULL timespec
    EXPECT -ABI_ERRNO_EFAULT, 228, 1, 0xFFFFFFFF80100000, 0, 0, 0, 0               ; kernel timespec
    EXPECT -ABI_ERRNO_EFAULT, 35, 0, 0, 0, 0, 0, 0                                 ; nanosleep(NULL)
    lea r14, [rel bad_timespec]
    EXPECT -ABI_ERRNO_EINVAL, 35, r14, 0, 0, 0, 0, 0                               ; tv_nsec >= 1e9
    EXPECT -ABI_ERRNO_EFAULT, 202, 0, 0, 0, 0, 0, 0                                ; futex wait on NULL
    lea r14, [rel buffer + 2]
    EXPECT -ABI_ERRNO_EINVAL, 202, r14, 0, 0, 0, 0, 0                              ; unaligned futex word
    EXPECT -ABI_ERRNO_EAGAIN, 202, r13, 0, 1, 0, 0, 0                              ; value differs: no sleep
    EXPECT -ABI_ERRNO_ENOSYS, 202, r13, 99, 0, 0, 0, 0                             ; unknown futex operation
    EXPECT -ABI_ERRNO_EINVAL, 56, 0x10000, r13, 0, 0, 0, 0                         ; CLONE_THREAD without CLONE_VM
    EXPECT -ABI_ERRNO_ENOSYS, 56, 17 | 0x400, 0, 0, 0, 0, 0                        ; a new process sharing the file table: not done
    EXPECT -ABI_ERRNO_EINVAL, 56, 0x10900, 0, 0, 0, 0, 0                           ; thread without a stack
    ; read, close, pipe
    EXPECT -ABI_ERRNO_EBADF, 0, 99, r13, 1, 0, 0, 0                                ; read from an unknown fd
    EXPECT -ABI_ERRNO_EBADF, 3, 99, 0, 0, 0, 0, 0                                  ; close an unknown fd
    EXPECT -ABI_ERRNO_EFAULT, 22, 0, 0, 0, 0, 0, 0                                 ; pipe(NULL)
    EXPECT -ABI_ERRNO_EINVAL, 293, r13, 0x4000, 0, 0, 0, 0                         ; pipe2 with an unknown flag
    ; wait4, cosmos_spawn
    EXPECT -ABI_ERRNO_ECHILD, 61, -1, 0, 0, 0, 0, 0                                ; no children
    EXPECT -ABI_ERRNO_EINVAL, 61, -1, 0, 0x100, 0, 0, 0                            ; unknown option (Linux accepts __WALL, 0x40000000)
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_COSMOS_SPAWN, 0, 0, 0, 0, 0, 0                               ; spawn(NULL)
    lea r14, [rel no_such_program]
    EXPECT -ABI_ERRNO_ENOENT, ABI_SYSCALL_NUMBERS_COSMOS_SPAWN, r14, 0, 0, 0, 0, 0                             ; no such program
    ; the lab's and the benchmarks' syscalls: EPERM unless booted with `lab` or
    ; `bench`; under those, each checks its arguments
    mov rax, ABI_SYSCALL_NUMBERS_COSMOS_SET_STRATEGY                                                         ; cosmos_set_strategy("nosuchprogram")
    mov rdi, r14
    syscall
    cmp rax, -ABI_ERRNO_EPERM
    jne .lab_syscalls
    EXPECT -ABI_ERRNO_EPERM, ABI_SYSCALL_NUMBERS_COSMOS_SET_STRATEGY, r14, 0, 0, 0, 0, 0                              ; set_strategy: not booted with lab
    EXPECT -ABI_ERRNO_EPERM, ABI_SYSCALL_NUMBERS_COSMOS_DOUBLE_FETCH_DEMO, r13, 0, 0, 0, 0, 0                              ; double-fetch demo: not booted with lab
    EXPECT -ABI_ERRNO_EPERM, ABI_SYSCALL_NUMBERS_COSMOS_BENCH, 1, r13, 64, 0, 1, 0                             ; timed memcpy: not booted with bench
    EXPECT -ABI_ERRNO_EPERM, ABI_SYSCALL_NUMBERS_COSMOS_BENCH, 2, r13, 0, 0, 0, 0                              ; lock fairness: not booted with lab
    EXPECT -ABI_ERRNO_EPERM, ABI_SYSCALL_NUMBERS_COSMOS_VMM_INFO, r13, 1, 0, 0, 0, 0               ; a heap collection: not booted with lab
    jmp .lab_syscalls_done
.lab_syscalls:
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_COSMOS_SET_STRATEGY, r14, 0, 0, 0, 0, 0                             ; no such strategy
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_COSMOS_DOUBLE_FETCH_DEMO, 0, 0, 0, 0, 0, 0                               ; request NULL
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_COSMOS_DOUBLE_FETCH_DEMO, 0xFFFFFFFF80100000, 0, 0, 0, 0, 0              ; request in the kernel
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_COSMOS_DOUBLE_FETCH_DEMO, r13, 7, 0, 0, 0, 0                             ; unknown variant
    mov qword [r13], 0                                                    ; request { NULL, 300 }
    mov qword [r13 + 8], 300
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_COSMOS_DOUBLE_FETCH_DEMO, r13, 0, 0, 0, 0, 0                             ; length over the limit
    mov qword [r13 + 8], 16
    EXPECT -ABI_ERRNO_EFAULT, ABI_SYSCALL_NUMBERS_COSMOS_DOUBLE_FETCH_DEMO, r13, 0, 0, 0, 0, 0                             ; data pointer NULL
    mov qword [r13 + 8], 0
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_COSMOS_BENCH, 9, r13, 64, 0, 1, 0                            ; unknown benchmark
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_COSMOS_BENCH, 1, r13, 0, 0, 1, 0                             ; zero size
    EXPECT -ABI_ERRNO_EINVAL, ABI_SYSCALL_NUMBERS_COSMOS_BENCH, 2, r13, 0, 5, 0, 0                             ; unknown lock kind
    EXPECT 0, ABI_SYSCALL_NUMBERS_COSMOS_VMM_INFO, r13, 1, 0, 0, 0, 0                    ; the heap figures after a collection
.lab_syscalls_done:
    ; open (the GRUB modules: a read-only part of the file tree) and mmap of what is not a file
    EXPECT -ABI_ERRNO_EFAULT, 2, 0, 0, 0, 0, 0, 0                                  ; open(NULL)
    EXPECT -ABI_ERRNO_EFAULT, 2, 0xFFFFFFFF80100000, 0, 0, 0, 0, 0                 ; path in the kernel
    lea r14, [rel no_such_file]
    EXPECT -ABI_ERRNO_ENOENT, 2, r14, 0, 0, 0, 0, 0                                ; no such module
    lea r14, [rel hello_file]
    EXPECT -ABI_ERRNO_EROFS, 2, r14, 1, 0, 0, 0, 0                                 ; O_WRONLY
    lea r14, [rel no_such_file]
    EXPECT -ABI_ERRNO_EROFS, 2, r14, 0x40, 0, 0, 0, 0                              ; O_CREAT of a new name in /modules
    EXPECT -ABI_ERRNO_EBADF, ABI_SYSCALL_NUMBERS_MMAP, 0, 4096, 1, 2, 99, 0                        ; file mapping of an unknown fd
    EXPECT -ABI_ERRNO_ENODEV, ABI_SYSCALL_NUMBERS_MMAP, 0, 4096, 1, 2, 1, 0                        ; file mapping of the console
    ; unknown syscall numbers
    EXPECT -ABI_ERRNO_ENOSYS, 9999, 0, 0, 0, 0, 0, 0
    EXPECT -ABI_ERRNO_ENOSYS, -1, 0, 0, 0, 0, 0, 0
    EXPECT -ABI_ERRNO_ENOSYS, 0x100000000, 0, 0, 0, 0, 0, 0

    ; brk with a kernel address leaves the break unchanged
    mov eax, ABI_SYSCALL_NUMBERS_BRK
    xor edi, edi
    syscall
    mov r14, rax
    EXPECT r14, ABI_SYSCALL_NUMBERS_BRK, 0xFFFF800000000000, 0, 0, 0, 0, 0

    ; no frame leaked by all of the above
    xor esi, esi
    mov rax, ABI_SYSCALL_NUMBERS_COSMOS_VMM_INFO
    lea rdi, [rel info_after]
    syscall
    mov rax, [rel info_after + ABI_VMM_INFO_OFFSETOF_FRAMES_USED]
    mov r12d, __LINE__
    mov rbx, [rel info_before + ABI_VMM_INFO_OFFSETOF_FRAMES_USED]
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
    mov eax, ABI_SYSCALL_NUMBERS_WRITE
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
info_before: resb 256     ; struct cosmos_vmm_info (ABI_VMM_INFO_SIZEOF bytes), with room to grow
info_after: resb 256
alignb 4096
buffer: resb 4096
