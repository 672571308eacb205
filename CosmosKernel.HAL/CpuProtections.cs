namespace Cosmos.HAL
{
    // SMEP (the kernel may not execute user pages) and SMAP (the kernel may not read or
    // write user pages except inside the user-copy routine, which sets RFLAGS.AC), on
    // CPUs that have them (QEMU -cpu max does). With both on, any stray kernel touch of
    // user memory faults and gets a crash report.
    public static unsafe class CpuProtections
    {
        private const ulong Cr4Smep = 1UL << 20;
        private const ulong Cr4Smap = 1UL << 21;

        public static bool Smep { get; private set; }
        public static bool Smap { get; private set; }

        public static void Enable()
        {
            uint* registers = stackalloc uint[4];
            Native.CpuId(0, 0, registers);
            if (registers[0] < 7)
                return;
            Native.CpuId(7, 0, registers);
            Smep = (registers[1] & (1u << 7)) != 0;
            Smap = (registers[1] & (1u << 20)) != 0;
            ulong cr4 = Native.ReadCr4();
            if (Smep)
                cr4 |= Cr4Smep;
            if (Smap)
                cr4 |= Cr4Smap;
            Native.SetSmapEnabled(Smap); // before CR4: the copy routine must use stac from now on
            Native.WriteCr4(cr4);
        }

        // The same bits on an application processor (Enable ran on the boot CPU).
        public static void EnableOnThisCpu()
        {
            ulong cr4 = Native.ReadCr4();
            if (Smep)
                cr4 |= Cr4Smep;
            if (Smap)
                cr4 |= Cr4Smap;
            Native.WriteCr4(cr4);
        }
    }
}
