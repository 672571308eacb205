; Native pieces of the Core runtime that every home links (the kernel and the user
; programs): the interface-dispatch stub, the stack-protector cookie and the
; by-reference copy helper.
bits 64
; ---------------------------------------------------------------------------
; Interface dispatch. A call site ILC could not devirtualize loads r11 with its
; dispatch cell and calls the cell's stub, this one. We resolve (object type,
; interface, slot) in C# (Internal/InterfaceDispatch.cs) and tail-jump to the
; implementation with every argument register intact.
section .text
extern RhpResolveInterfaceDispatch
global RhpInitialDynamicInterfaceDispatch
RhpInitialDynamicInterfaceDispatch:
    push rdi
    push rsi
    push rdx
    push rcx
    push r8
    push r9
    sub rsp, 8 + 8 * 16         ; xmm0-7, keeping rsp 16-byte aligned at the call
    movdqu [rsp + 0x00], xmm0
    movdqu [rsp + 0x10], xmm1
    movdqu [rsp + 0x20], xmm2
    movdqu [rsp + 0x30], xmm3
    movdqu [rsp + 0x40], xmm4
    movdqu [rsp + 0x50], xmm5
    movdqu [rsp + 0x60], xmm6
    movdqu [rsp + 0x70], xmm7
    mov rsi, r11                ; rdi = this, rsi = dispatch cell
    call RhpResolveInterfaceDispatch
    movdqu xmm0, [rsp + 0x00]
    movdqu xmm1, [rsp + 0x10]
    movdqu xmm2, [rsp + 0x20]
    movdqu xmm3, [rsp + 0x30]
    movdqu xmm4, [rsp + 0x40]
    movdqu xmm5, [rsp + 0x50]
    movdqu xmm6, [rsp + 0x60]
    movdqu xmm7, [rsp + 0x70]
    add rsp, 8 + 8 * 16
    pop r9
    pop r8
    pop rcx
    pop rdx
    pop rsi
    pop rdi
    jmp rax

; Stack-protector cookie ILC's code checks around stackalloc buffers.
section .data
align 8
global __security_cookie
__security_cookie: dq 0x2B992DDFA23249D6


; Copying a struct that holds references (ILC's copy with write barrier): one
; reference from [rsi] to [rdi], both advanced by 8 (rcx is the helper's to use).
; The collector needs no barrier: it does not move objects and marks everything
; reachable at each collection, so this is a plain copy.
section .text
global RhpByRefAssignRef
RhpByRefAssignRef:
    mov rcx, [rsi]
    mov [rdi], rcx
    add rdi, 8
    add rsi, 8
    ret
