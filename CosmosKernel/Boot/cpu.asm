; CPU primitives that C# cannot express: port I/O, control registers, descriptor
; tables, TLB invalidation and the interrupt entry stubs. Each is imported into C#
; with [RuntimeImport] (see CosmosKernel.HAL/Native.cs); System V calling
; convention: arguments in rdi, rsi, rdx; result in rax.

bits 64
%include "callee_saved.inc"

section .text

%macro FUNC 1
global %1
%1:
%endmacro

FUNC cpu_outb
    mov edx, edi
    mov eax, esi
    out dx, al
    ret
FUNC cpu_outw
    mov edx, edi
    mov eax, esi
    out dx, ax
    ret
FUNC cpu_outd
    mov edx, edi
    mov eax, esi
    out dx, eax
    ret
FUNC cpu_inb
    mov edx, edi
    xor eax, eax
    in al, dx
    ret
FUNC cpu_inw
    mov edx, edi
    xor eax, eax
    in ax, dx
    ret
FUNC cpu_ind
    mov edx, edi
    in eax, dx
    ret

FUNC cpu_read_cr0
    mov rax, cr0
    ret
FUNC cpu_read_cr2
    mov rax, cr2
    ret
FUNC cpu_read_cr3
    mov rax, cr3
    ret
FUNC cpu_write_cr3
    mov cr3, rdi
    ret
FUNC cpu_read_cr4
    mov rax, cr4
    ret
FUNC cpu_write_cr4
    mov cr4, rdi
    ret
FUNC cpu_read_rflags
    pushfq
    pop rax
    ret
FUNC cpu_invlpg
    invlpg [rdi]
    ret
FUNC cpu_rdtsc
    rdtsc
    shl rdx, 32
    or rax, rdx
    ret
FUNC cpu_rdmsr
    mov ecx, edi
    rdmsr
    shl rdx, 32
    or rax, rdx
    ret
FUNC cpu_wrmsr
    mov ecx, edi
    mov eax, esi
    mov rdx, rsi
    shr rdx, 32
    wrmsr
    ret
; cpu_cpuid(leaf, subleaf, uint* out4): eax, ebx, ecx, edx
FUNC cpu_cpuid
    push rbx
    mov r8, rdx
    mov eax, edi
    mov ecx, esi
    cpuid
    mov [r8], eax
    mov [r8 + 4], ebx
    mov [r8 + 8], ecx
    mov [r8 + 12], edx
    pop rbx
    ret
FUNC cpu_halt
    hlt
    ret
FUNC cpu_halt_forever
    cli
.loop:
    hlt
    jmp .loop

; The Core runtime's native needs (CosmosKernel.Core/Internal/RuntimeImports.cs), kernel side.
FUNC runtime_halt
    jmp cpu_halt_forever

; runtime_debug_write(byte* text, ulong length): polled COM1, no HAL needed.
FUNC runtime_debug_write
.next:
    test rsi, rsi
    jz .done
    mov dx, 0x3FD
.wait:
    in al, dx
    test al, 0x20
    jz .wait
    mov dx, 0x3F8
    mov al, [rdi]
    out dx, al
    inc rdi
    dec rsi
    jmp .next
.done:
    ret
; Sleep until an interrupt, with interrupts on only for that: sti's one-instruction
; shadow means an interrupt already pending is taken after hlt starts, so it wakes
; the hlt instead of being lost before it.
FUNC cpu_wait_for_interrupt
    sti
    hlt
    cli
    ret
; The running CPU's per-CPU block (CosmosKernel.HAL/CpuLocal.cs): gs:[0] holds its address.
FUNC cpu_read_gs_self
    mov rax, [gs:0]
    ret
FUNC cpu_disable_interrupts
    cli
    ret
FUNC cpu_enable_interrupts
    sti
    ret
FUNC cpu_pause
    pause
    ret
FUNC cpu_read_rsp
    lea rax, [rsp + 8]
    ret
FUNC cpu_read_rbp
    mov rax, rbp
    ret

; cpu_load_gdt(ptr to 10-byte pseudo-descriptor, code selector, data selector)
; Reloads CS with a far return and the data segments.
FUNC cpu_load_gdt
    lgdt [rdi]
    mov ax, dx
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    pop rax                 ; return address
    push rsi                ; new CS
    push rax
    retfq
FUNC cpu_load_idt
    lidt [rdi]
    ret
FUNC cpu_load_tr
    ltr di
    ret

; Addresses the linker script defines, for the managed startup code.
FUNC runtime_modules_start
    lea rax, [rel __modules_start]
    ret
FUNC runtime_modules_end
    lea rax, [rel __modules_end]
    ret
FUNC kernel_image_start
    lea rax, [rel __kernel_start]
    ret
FUNC kernel_image_end
    lea rax, [rel __kernel_end]
    ret
FUNC kernel_boot_stack_bottom
    extern boot_stack_bottom
    lea rax, [rel boot_stack_bottom]
    ret
FUNC kernel_text_end
    lea rax, [rel __text_end]
    ret
FUNC kernel_rodata_end
    lea rax, [rel __rodata_end]
    ret
extern __modules_start, __modules_end, __kernel_start, __kernel_end, __text_end, __rodata_end

; Deliberate faults for the crash-report self-test.
FUNC cpu_fault_read_qword
    mov rax, [rdi]
    ret
FUNC cpu_fault_ud2
    ud2
    ret

; ---------------------------------------------------------------------------
; Interrupt entry. Every vector gets a stub that pushes a uniform frame
; (see InterruptFrame in CosmosKernel.HAL/InterruptFrame.cs) and calls the C# dispatcher.
; The SSE state is saved too: managed code uses xmm registers freely.

%macro STUB_NOERR 1
isr_stub_%1:
    push 0
    push %1
    jmp isr_common
%endmacro
%macro STUB_ERR 1
isr_stub_%1:
    push %1
    jmp isr_common
%endmacro

%assign v 0
%rep 256
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
    STUB_ERR v
%else
    STUB_NOERR v
%endif
%assign v v + 1
%endrep

extern interrupt_dispatch
extern cpu_smap_enabled
isr_common:
    test qword [rsp + 24], 3    ; from ring 3? (cs above vector, error code, rip)
    jz .kernel_gs
    swapgs                     ; the kernel's GS: the per-CPU block
.kernel_gs:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rbx, rsp            ; rbx = frame (callee-saved)
    and rsp, ~15
    SAVE_SSE
    mov rdi, rbx
    cld
    cmp byte [rel cpu_smap_enabled], 0
    je .no_smap
    clac                    ; a handler must not inherit a user copy's AC (iretq restores it)
.no_smap:
    call interrupt_dispatch
    RESTORE_SSE
    mov rsp, rbx
.restore_registers:                 ; rsp = an InterruptFrame: pop it and iretq
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16             ; vector and error code
    test qword [rsp + 8], 3    ; back to ring 3: give the user its GS again
    jz .iret
    swapgs
.iret:
    iretq

section .rodata
align 8
global isr_stub_table
isr_stub_table:
%assign v 0
%rep 256
    dq isr_stub_%+v
%assign v v + 1
%endrep

section .text
FUNC isr_stub_table_address
    lea rax, [rel isr_stub_table]
    ret


section .text
; The Core runtime's lock back-off (the heap's lock, held by another CPU for a few
; hundred instructions): pause with interrupts on for the moment, so this CPU still
; answers the IPIs another CPU may be waiting for (TLB shootdown, the collector's
; stop), then put RFLAGS back as they were.
global runtime_yield
runtime_yield:
    pushfq
    sti
    pause
    popfq
    ret

; Who runs a static constructor (CosmosKernel.Core ClassConstructorRunner): this
; CPU's per-CPU block (the GS base, 16-byte aligned, so even); 0 before the boot CPU
; has one. Read from the MSR: gs:[0] would fault while the GS base is still 0.
global runtime_execution_marker
runtime_execution_marker:
    mov ecx, 0xC0000101
    rdmsr
    shl rdx, 32
    or rax, rdx
    ret

; Memory-mapped device registers (the local APIC): one 32-bit access each, never
; merged, cached in a register or reordered by the compiler.
FUNC cpu_mmio_read32
    mov eax, [rdi]
    ret
FUNC cpu_mmio_write32
    mov [rdi], esi
    ret

; cpu_memcpy(destination, source, length): the baseline the user-copy benchmarks
; compare with: the same `rep movsb` as the user copy, without its checks and locks.
FUNC cpu_memcpy
    mov rcx, rdx
    rep movsb
    ret

; void cpu_resume_user_full(InterruptFrame* frame, void* fxsaveImage): return to ring 3
; with every register in `frame` (its CS must be ring 3's) and the x87 and SSE state
; in the 512-byte, 16-aligned fxsave image. rt_sigreturn ends so: a signal handler's
; ucontext may change any register, and sysret could not give rcx and r11 back. The
; caller's kernel frames are dropped; interrupts stay off until iretq.
global cpu_resume_user_full
cpu_resume_user_full:
    fxrstor [rsi]
    mov rsp, rdi
    jmp isr_common.restore_registers
