; Boot stub: the only code that runs before C#.
;
; GRUB (Multiboot2) enters _start in 32-bit protected mode with paging off.
; We build a boot page map, switch to long mode, move to the higher half and
; call the managed entry point kmain(magic, multiboot_info_physical).
;
; Boot map (replaced by the VMM once it owns the page tables):
;   0 .. 4 GiB                        identity, 2 MiB pages (only needed for the jump)
;   0xFFFF800000000000 .. +4 GiB      direct map of physical memory
;   0xFFFFFFFF80000000 .. +1 GiB      the kernel image (linked there, loaded at 1 MiB)

KERNEL_VMA        equ 0xFFFFFFFF80000000
DIRECT_MAP_BASE   equ 0xFFFF800000000000
MB2_MAGIC         equ 0xE85250D6
MB2_BOOT_MAGIC    equ 0x36D76289
BOOT_STACK_SIZE   equ 64 * 1024

%define PHYS(x) ((x) - KERNEL_VMA)

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
    dd MB2_MAGIC
    dd 0                                ; i386 protected mode
    dd mb2_header_end - mb2_header
    dd -(MB2_MAGIC + (mb2_header_end - mb2_header))
    align 8
    ; entry address tag: the ELF entry is a higher-half address GRUB cannot jump to
    dw 3, 0
    dd 12
    dd _start
    align 8
    ; framebuffer tag, optional (flags 1): the kernel can draw on a linear framebuffer,
    ; which is all UEFI offers; any size, 32 bits per pixel preferred. Under BIOS
    ; grub.cfg keeps VGA text mode (gfxpayload=text).
    dw 5, 1
    dd 20
    dd 0, 0, 32
    align 8
    ; end tag
    dw 0, 0
    dd 8
mb2_header_end:

section .boot.text progbits alloc exec nowrite align=16
bits 32
global _start
_start:
    cli
    cld
    mov esp, PHYS(boot_stack_top)
    mov [PHYS(boot_magic)], eax
    mov [PHYS(boot_info)], ebx

    cmp eax, MB2_BOOT_MAGIC
    jne .not_multiboot2

    ; Long mode present? (CPUID 0x80000001 EDX bit 29)
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb .no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz .no_long_mode
    mov [PHYS(boot_ext_edx)], edx

    ; Page directories: 4 x 512 x 2 MiB = identity map of the first 4 GiB.
    mov edi, PHYS(boot_pd)
    mov eax, 0x83                      ; present | writable | 2 MiB page
    xor edx, edx
    mov ecx, 4 * 512
.fill_pd:
    mov [edi], eax
    mov [edi + 4], edx
    add eax, 0x200000
    adc edx, 0
    add edi, 8
    loop .fill_pd

    ; PDPT for the low identity map and the direct map: entries 0..3 -> the 4 PDs.
    mov edi, PHYS(boot_pdpt_low)
    mov eax, PHYS(boot_pd) + 3
    mov ecx, 4
.fill_pdpt:
    mov [edi], eax
    add eax, 4096
    add edi, 8
    loop .fill_pdpt

    ; PDPT for the kernel image: entry 510 (-2 GiB) -> first PD (physical 0 .. 1 GiB).
    mov dword [PHYS(boot_pdpt_high) + 510 * 8], PHYS(boot_pd) + 3

    ; PML4: 0 -> low, 256 -> direct map (same PDPT), 511 -> kernel image.
    mov dword [PHYS(boot_pml4)], PHYS(boot_pdpt_low) + 3
    mov dword [PHYS(boot_pml4) + 256 * 8], PHYS(boot_pdpt_low) + 3
    mov dword [PHYS(boot_pml4) + 511 * 8], PHYS(boot_pdpt_high) + 3

    mov eax, cr4
    or eax, 1 << 5                     ; PAE
    mov cr4, eax
    mov eax, PHYS(boot_pml4)
    mov cr3, eax

    mov ecx, 0xC0000080                ; EFER
    rdmsr
    or eax, 1 << 8                     ; LME
    test dword [PHYS(boot_ext_edx)], 1 << 20
    jz .no_nx
    or eax, 1 << 11                    ; NXE, so the VMM can use the NX bit
.no_nx:
    wrmsr

    mov eax, cr0
    or eax, (1 << 31) | (1 << 16)      ; PG | WP (the kernel honours read-only pages too)
    mov cr0, eax

    lgdt [PHYS(boot_gdt_ptr)]
    jmp 0x08:long_mode_low             ; .boot.text is linked at its load address

.not_multiboot2:
    mov esi, PHYS(msg_not_mb2)
    jmp boot_fail
.no_long_mode:
    mov esi, PHYS(msg_no_lm)
    jmp boot_fail

; Print the zero-terminated string at esi on the VGA text screen and COM1, then halt.
boot_fail:
    mov edi, 0xB8000
.next:
    lodsb
    test al, al
    jz .halt
    mov ah, 0x4F
    mov [edi], ax
    add edi, 2
    mov dx, 0x3F8
    out dx, al
    jmp .next
.halt:
    cli
    hlt
    jmp .halt

bits 64
long_mode_low:
    mov rax, higher_half
    jmp rax

section .text
higher_half:
    lgdt [boot_gdt_ptr_high]
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov rsp, boot_stack_top

    ; RyuJIT emits SSE for copies and zeroing: enable it before any managed code.
    mov rax, cr0
    and rax, ~(1 << 2)                 ; clear EM
    or rax, 1 << 1                     ; set MP
    mov cr0, rax
    mov rax, cr4
    or rax, (1 << 9) | (1 << 10)       ; OSFXSR | OSXMMEXCPT
    mov cr4, rax

    mov edi, [boot_magic]
    mov esi, [boot_info]
    xor ebp, ebp
    extern kmain
    call kmain
.halt:
    cli
    hlt
    jmp .halt

section .rodata
msg_not_mb2: db "CosmosKernel: not started by a Multiboot2 loader", 0
msg_no_lm:   db "CosmosKernel: this CPU has no 64-bit long mode", 0

section .data
align 16
boot_gdt:
    dq 0
    dq 0x00AF9A000000FFFF              ; 0x08 64-bit code
    dq 0x00CF92000000FFFF              ; 0x10 data
boot_gdt_end:
boot_gdt_ptr:
    dw boot_gdt_end - boot_gdt - 1
    dd PHYS(boot_gdt)
boot_gdt_ptr_high:
    dw boot_gdt_end - boot_gdt - 1
    dq boot_gdt

global boot_magic, boot_info
boot_magic:   dd 0
boot_info:    dd 0
boot_ext_edx: dd 0

section .bss nobits alloc noexec write align=4096
global boot_pml4
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4 * 4096
global boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    resb BOOT_STACK_SIZE
boot_stack_top:

; The kernel heap's first arena (CosmosKernel.Core/Internal/RuntimeHeap.cs).
EARLY_HEAP_SIZE equ 16 * 1024 * 1024
section .bss
alignb 4096
early_heap: resb EARLY_HEAP_SIZE
section .text
global runtime_heap_arena, runtime_heap_arena_size
runtime_heap_arena:
    lea rax, [rel early_heap]
    ret
runtime_heap_arena_size:
    mov rax, EARLY_HEAP_SIZE
    ret
