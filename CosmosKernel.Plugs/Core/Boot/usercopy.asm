; The one instruction through which the kernel touches user memory:
;   ulong cpu_user_copy(void* destination, void* source, ulong length)
; returns the number of bytes NOT copied. `rep movsb` keeps its progress in
; rcx/rsi/rdi, so the page-fault handler can either resolve a fault and let the
; instruction resume, or (for a recoverable copy) move RIP to the fixup, which
; returns the remaining count: Linux's exception-table idea, with one entry.
bits 64
section .text

global cpu_user_copy, cpu_user_copy_instruction, cpu_user_copy_fixup
cpu_user_copy:
    mov rcx, rdx
cpu_user_copy_instruction:
    rep movsb
    xor eax, eax
    ret
cpu_user_copy_fixup:
    mov rax, rcx
    ret

global cpu_user_copy_instruction_address, cpu_user_copy_fixup_address
cpu_user_copy_instruction_address:
    lea rax, [rel cpu_user_copy_instruction]
    ret
cpu_user_copy_fixup_address:
    lea rax, [rel cpu_user_copy_fixup]
    ret
