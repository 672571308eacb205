namespace Cosmos.HAL
{
    // The kernel's own GDT, replacing the boot stub's. Long mode ignores base and
    // limit; what matters is the type, DPL and the L bit. The user segments are laid
    // out for syscall/sysret (user data right below user code); UserMode fills the TSS.
    public static unsafe class Gdt
    {
        public const ushort KernelCode = 0x08;
        public const ushort KernelData = 0x10;
        public const ushort UserData = 0x18 | 3;
        public const ushort UserCode = 0x20 | 3;
        public const int MaxCpus = 16;

        private const int Entries = 5 + 2 * MaxCpus; // null, kcode, kdata, udata, ucode, a TSS (2 slots) per CPU
        private static ulong* s_table;

        public static ushort TssSelector(int cpu) => (ushort)(0x28 + 16 * cpu);

        public static void Install()
        {
            s_table = (ulong*)Internal.Runtime.RuntimeHeap.AllocateRaw(Entries * 8);
            s_table[0] = 0;
            s_table[1] = 0x00AF9A000000FFFF; // kernel code: present, DPL0, exec/read, L
            s_table[2] = 0x00CF92000000FFFF; // kernel data: present, DPL0, read/write
            s_table[3] = 0x00CFF2000000FFFF; // user data: DPL3
            s_table[4] = 0x00AFFA000000FFFF; // user code: DPL3, L
            for (int i = 5; i < Entries; i++)
                s_table[i] = 0;
            LoadOnThisCpu();
        }

        // An application processor loads the same table.
        public static void LoadOnThisCpu()
        {
            byte* pointer = stackalloc byte[10];
            *(ushort*)pointer = Entries * 8 - 1;
            *(ulong*)(pointer + 2) = (ulong)s_table;
            Native.LoadGdt(pointer, KernelCode, KernelData);
        }

        // A 64-bit TSS descriptor takes two slots: base, limit, type 0x89 (available).
        public static void InstallTss(int cpu, ulong tss, uint limit)
        {
            int slot = TssSelector(cpu) / 8;
            s_table[slot] = (limit & 0xFFFF)
                | (tss & 0xFFFFFF) << 16
                | 0x89UL << 40
                | (ulong)((limit >> 16) & 0xF) << 48
                | ((tss >> 24) & 0xFF) << 56;
            s_table[slot + 1] = tss >> 32;
            Native.LoadTaskRegister(TssSelector(cpu));
        }
    }
}
