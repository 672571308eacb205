; kernelread: reads the kernel image from ring 3. The page is supervisor-only:
; the kernel must kill the program with SIGSEGV and go on.
%include "syscall.inc"
bits 64
section .text
global _start
_start:
    PRINT before
    mov rax, 0xFFFFFFFF80101000
    mov rax, [rax]
    PRINT after
    EXIT 0
section .rodata
STRING before, "kernelread: reading kernel memory at 0xFFFFFFFF80101000", 10
STRING after, "kernelread: read kernel memory (this must not happen)", 10
