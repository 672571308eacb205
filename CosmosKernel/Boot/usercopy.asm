; The one instruction through which the kernel touches user memory:
;   ulong cpu_user_copy(void* destination, void* source, ulong length)
; returns the number of bytes NOT copied. `rep movsb` keeps its progress in
; rcx/rsi/rdi, so the page-fault handler can either resolve a fault and let the
; instruction resume, or (for a recoverable copy) move RIP to the fixup, which
; returns the remaining count: Linux's exception-table idea, with one entry.
bits 64
section .text

; With SMAP on (CR4.SMAP, see CosmosKernel.HAL/CpuProtections.cs) the kernel may touch user pages
; only with RFLAGS.AC set: stac before the copy, clac after, on both exits.
global cpu_user_copy, cpu_user_copy_instruction, cpu_user_copy_fixup, cpu_smap_enabled
cpu_user_copy:
    mov rcx, rdx
    cmp byte [rel cpu_smap_enabled], 0
    je cpu_user_copy_instruction
    stac
cpu_user_copy_instruction:
    rep movsb
    xor eax, eax
    jmp user_copy_done
cpu_user_copy_fixup:
    mov rax, rcx
user_copy_done:
    cmp byte [rel cpu_smap_enabled], 0
    je .return
    clac
.return:
    ret

global cpu_user_copy_instruction_address, cpu_user_copy_fixup_address
cpu_user_copy_instruction_address:
    lea rax, [rel cpu_user_copy_instruction]
    ret
cpu_user_copy_fixup_address:
    lea rax, [rel cpu_user_copy_fixup]
    ret

global cpu_set_smap_enabled
cpu_set_smap_enabled:
    mov [rel cpu_smap_enabled], dil
    ret

section .data
cpu_smap_enabled: db 0
