; Starting the application processors (APs): the real-mode trampoline.
;
; An AP wakes from INIT-SIPI-SIPI in 16-bit real mode at the 4 KiB page the SIPI
; names. The kernel copies this trampoline to TRAMPOLINE_BASE (in the first MiB,
; which the frame allocator never hands out), identity-maps that page in the kernel
; page table, fills the data block and sends the SIPI. The trampoline goes straight
; from real mode to long mode (PAE, CR3, EFER.LME, then CR0.PE|PG at once, then a far
; jump to a 64-bit segment), leaves the identity page for the higher half and calls
; ap_main(cpu) in C# (Platform/ApplicationProcessors.cs) on the stack the kernel gave it.
;
; One AP at a time: the data block is shared, and the kernel waits for each AP to
; report before it starts the next.

TRAMPOLINE_BASE equ 0x8000
%define T(x) ((x) - ap_trampoline)

section .rodata
bits 16
global ap_trampoline
ap_trampoline:
    jmp short ap_real_mode
    align 8, db 0
; The data block; the offsets are ApplicationProcessors.Trampoline* in C#.
ap_data_cr3:    dq 0                ; +8   kernel PML4 (physical, below 4 GiB)
ap_data_cr4:    dq 0                ; +16
ap_data_cr0:    dq 0                ; +24
ap_data_efer:   dq 0                ; +32
ap_data_stack:  dq 0                ; +40  top of this AP's first stack
ap_data_entry:  dq 0                ; +48  ap_long_entry (higher half)
ap_data_cpu:    dq 0                ; +56  the CPU's index (0 = the boot CPU)
ap_gdt:
    dq 0
    dq 0x00AF9A000000FFFF           ; 0x08 64-bit code (the kernel GDT's selectors too)
    dq 0x00CF92000000FFFF           ; 0x10 data
ap_gdt_ptr:
    dw 3 * 8 - 1
    dd TRAMPOLINE_BASE + T(ap_gdt)

ap_real_mode:
    cli
    cld
    mov ax, cs                      ; cs = TRAMPOLINE_BASE >> 4
    mov ds, ax
    lgdt [T(ap_gdt_ptr)]
    mov eax, [T(ap_data_cr4)]
    mov cr4, eax                    ; PAE and SSE bits
    mov eax, [T(ap_data_cr3)]
    mov cr3, eax
    mov ecx, 0xC0000080             ; EFER: LME (and NXE, SCE as on the boot CPU)
    mov eax, [T(ap_data_efer)]
    xor edx, edx
    wrmsr
    mov eax, [T(ap_data_cr0)]       ; PE | PG | WP | MP, caches on: long mode
    mov cr0, eax
    jmp dword 0x08:(TRAMPOLINE_BASE + T(ap_long_mode))

bits 64
ap_long_mode:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov rsp, [TRAMPOLINE_BASE + T(ap_data_stack)]
    mov edi, [TRAMPOLINE_BASE + T(ap_data_cpu)]
    mov rax, [TRAMPOLINE_BASE + T(ap_data_entry)]
    jmp rax
global ap_trampoline_end
ap_trampoline_end:

section .text
extern ap_main
ap_long_entry:
    xor ebp, ebp
    call ap_main
.halt:
    cli
    hlt
    jmp .halt

global smp_trampoline_start, smp_trampoline_size, smp_ap_entry_address
smp_trampoline_start:
    lea rax, [rel ap_trampoline]
    ret
smp_trampoline_size:
    mov eax, ap_trampoline_end - ap_trampoline
    ret
smp_ap_entry_address:
    lea rax, [rel ap_long_entry]
    ret
