; asmhello: prints from ring 3 and its own argv[0], touches a .bss page, exits with 0.
%include "syscall.inc"
bits 64
section .text
global _start
_start:
    PRINT greeting
    ; argv[0] is at [rsp + 8]; print it (the kernel put the module name there)
    mov rsi, [rsp + 8]
    xor edx, edx
.length:
    cmp byte [rsi + rdx], 0
    je .print
    inc edx
    jmp .length
.print:
    mov eax, ABI_SYSCALL_NUMBERS_WRITE
    mov edi, 1
    syscall
    PRINT newline
    ; touch a fresh .bss page: demand-zero fault from ring 3
    mov qword [rel scratch + 8192], 42
    cmp qword [rel scratch + 8192], 42
    jne .fail
    PRINT done
    EXIT 0
.fail:
    EXIT 1

section .rodata
STRING greeting, "asmhello: hello from ring 3, argv[0] = "
STRING newline, 10
STRING done, "asmhello: bss page faulted in on demand, exiting with 0", 10

section .bss
alignb 4096
scratch: resb 16384
