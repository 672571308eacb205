using System;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Cosmos.HAL
{
    // CPU instructions C# cannot express, implemented in CosmosKernel/Boot/cpu.asm.
    public static unsafe class Native
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_outb")] public static extern void OutByte(ushort port, byte value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_outw")] public static extern void OutWord(ushort port, ushort value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_outd")] public static extern void OutDword(ushort port, uint value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_inb")] public static extern byte InByte(ushort port);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_inw")] public static extern ushort InWord(ushort port);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_ind")] public static extern uint InDword(ushort port);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_read_cr0")] public static extern ulong ReadCr0();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_read_cr2")] public static extern ulong ReadCr2();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_read_cr3")] public static extern ulong ReadCr3();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_write_cr3")] public static extern void WriteCr3(ulong value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_read_cr4")] public static extern ulong ReadCr4();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_write_cr4")] public static extern void WriteCr4(ulong value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_read_rflags")] public static extern ulong ReadRflags();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_invlpg")] public static extern void InvalidatePage(ulong address);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_rdtsc")] public static extern ulong ReadTimestampCounter();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_rdmsr")] public static extern ulong ReadMsr(uint msr);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_wrmsr")] public static extern void WriteMsr(uint msr, ulong value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_cpuid")] public static extern void CpuId(uint leaf, uint subleaf, uint* registers);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_memcpy")] public static extern void Memcpy(byte* destination, byte* source, ulong length);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_mmio_read32")] public static extern uint MmioRead32(ulong address);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_mmio_write32")] public static extern void MmioWrite32(ulong address, uint value);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("smp_trampoline_start")] public static extern byte* SmpTrampolineStart();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("smp_trampoline_size")] public static extern int SmpTrampolineSize();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("smp_ap_entry_address")] public static extern ulong SmpApEntryAddress();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_read_gs_self")] public static extern ulong ReadGsSelf();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_wait_for_interrupt")] public static extern void WaitForInterrupt();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_halt")] public static extern void Halt();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_halt_forever")] public static extern void HaltForever();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_disable_interrupts")] public static extern void DisableInterrupts();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_enable_interrupts")] public static extern void EnableInterrupts();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_pause")] public static extern void Pause();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_read_rsp")] public static extern ulong ReadRsp();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_read_rbp")] public static extern ulong ReadRbp();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_load_gdt")] public static extern void LoadGdt(void* pointer, ulong codeSelector, ulong dataSelector);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_load_idt")] public static extern void LoadIdt(void* pointer);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_load_tr")] public static extern void LoadTaskRegister(ushort selector);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("isr_stub_table_address")] public static extern ulong* InterruptStubTable();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("kernel_image_start")] public static extern ulong KernelImageStart();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("kernel_image_end")] public static extern ulong KernelImageEnd();
        // Section boundaries of the image (linker.ld): text ends, then read-only data, then data and BSS.
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("kernel_text_end")] public static extern ulong KernelTextEnd();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("kernel_rodata_end")] public static extern ulong KernelReadOnlyDataEnd();
        // User-memory copy with a recovery point (CosmosKernel/Boot/usercopy.asm): returns bytes not copied.
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_user_copy")] public static extern ulong UserCopy(void* destination, void* source, ulong length);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_user_copy_instruction_address")] public static extern ulong UserCopyInstructionAddress();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_user_copy_fixup_address")] public static extern ulong UserCopyFixupAddress();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_set_smap_enabled")] public static extern void SetSmapEnabled(bool enabled);
        // Kernel threads (CosmosKernel/Boot/threads.asm).
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_switch_context")] public static extern void SwitchContext(ulong* saveRsp, ulong newRsp, byte* saveFpu, byte* loadFpu);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_thread_start_address")] public static extern ulong ThreadStartAddress();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_fxsave")] public static extern void Fxsave(byte* image);
        // Ring 3 (CosmosKernel/Boot/usermode.asm).
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_enter_user")] public static extern void EnterUser(ulong rip, ulong rsp, ulong rflags);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_resume_user")] public static extern void ResumeUser(SyscallFrame* frame);
        // Every register and the x87/SSE state back (rt_sigreturn): CosmosKernel/Boot/cpu.asm.
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_resume_user_full")] public static extern void ResumeUserFull(InterruptFrame* frame, byte* fxsaveImage);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_syscall_entry_address")] public static extern ulong SyscallEntryAddress();
        // The garbage collector (CosmosKernel/Boot/gc.asm): the image's writable part, the boot
        // stack, and a collection with the caller's callee-saved registers on its stack.
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("kernel_data_start")] public static extern ulong KernelDataStart();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("kernel_bss_end")] public static extern ulong KernelBssEnd();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("kernel_boot_stack_bottom")] public static extern ulong BootStackBottom();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("kernel_boot_stack_top")] public static extern ulong BootStackTop();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_gc_collect")] public static extern void CollectGarbage();
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_fault_read_qword")] public static extern ulong FaultReadQword(ulong address);
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("cpu_fault_ud2")] public static extern void FaultInvalidOpcode();
    }
}
