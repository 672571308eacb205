; segv: dereferences NULL. The kernel must kill it with SIGSEGV and go on.
%include "syscall.inc"
bits 64
section .text
global _start
_start:
    PRINT before
    mov rax, [0]
    PRINT after
    EXIT 0
section .rodata
STRING before, "segv: reading address 0", 10
STRING after, "segv: still alive (the kernel did not stop me!)", 10
