; The garbage collector's native needs (CosmosKernel/Platform/KernelGarbageCollector.cs).
bits 64
%include "callee_saved.inc"
section .text

; void cpu_gc_collect(void): push the callee-saved registers (the caller's references
; may live only there) and call gc_collect_from(rsp), which scans this stack from
; rsp up: the pushed registers are part of it.
extern gc_collect_from
global cpu_gc_collect
cpu_gc_collect:
    PUSH_CALLEE_SAVED
    mov rdi, rsp
    sub rsp, 8                  ; entry rsp was 8 mod 16; six pushes keep it so
    call gc_collect_from
    add rsp, 8
    POP_CALLEE_SAVED
    ret

; The image's writable part (linker.ld): data, the ReadyToRun headers and BSS. The
; collector scans it for references (static fields, preinitialised objects).
extern __data_start, __bss_end, boot_stack_top
global kernel_data_start, kernel_bss_end, kernel_boot_stack_top
kernel_data_start:
    lea rax, [rel __data_start]
    ret
kernel_bss_end:
    lea rax, [rel __bss_end]
    ret
kernel_boot_stack_top:
    lea rax, [rel boot_stack_top]
    ret
