namespace Cosmos.HAL
{
    // ACPI, as far as SMP needs it: the MADT ("APIC" table) lists the processors'
    // local APIC ids and where the local APIC registers are. Tables are read through
    // the direct map (firmware puts them below 4 GiB, in memory the frame allocator
    // never hands out).
    public static unsafe class Acpi
    {
        public struct Processor
        {
            public byte ApicId;
            public bool Usable; // enabled, or "online capable"
        }

        public static ulong LocalApicPhysical { get; private set; }
        public static Processor[] Processors { get; private set; } = new Processor[0];

        // Read the MADT; false when there is no RSDP or no MADT (then: one CPU).
        // `rsdp` is the loader's copy (Multiboot2), or 0 to search the BIOS area.
        public static bool ReadMadt(ulong rsdp)
        {
            if (rsdp == 0)
                rsdp = SearchBiosArea();
            if (rsdp == 0)
                return false;
            byte* pointer = (byte*)rsdp;
            byte revision = pointer[15];
            ulong root;
            int entrySize;
            if (revision >= 2 && *(ulong*)(pointer + 24) != 0)
            {
                root = *(ulong*)(pointer + 24); // XSDT: 64-bit entries
                entrySize = 8;
            }
            else
            {
                root = *(uint*)(pointer + 16);  // RSDT: 32-bit entries
                entrySize = 4;
            }
            byte* table = (byte*)Multiboot2.PhysicalToVirtual(root);
            uint length = *(uint*)(table + 4);
            for (uint offset = 36; offset + entrySize <= length; offset += (uint)entrySize)
            {
                ulong physical = entrySize == 8 ? *(ulong*)(table + offset) : *(uint*)(table + offset);
                byte* header = (byte*)Multiboot2.PhysicalToVirtual(physical);
                if (header[0] == 'A' && header[1] == 'P' && header[2] == 'I' && header[3] == 'C')
                {
                    ParseMadt(header);
                    return Processors.Length > 0;
                }
            }
            return false;
        }

        // MADT: header (36 bytes), local APIC address, flags, then variable entries.
        private static void ParseMadt(byte* madt)
        {
            uint length = *(uint*)(madt + 4);
            LocalApicPhysical = *(uint*)(madt + 36);
            int count = 0;
            for (uint offset = 44; offset + 2 <= length && madt[offset + 1] >= 2; offset += madt[offset + 1])
                if (madt[offset] == 0)
                    count++;
            var processors = new Processor[count];
            int index = 0;
            for (uint offset = 44; offset + 2 <= length && madt[offset + 1] >= 2; offset += madt[offset + 1])
            {
                byte type = madt[offset];
                if (type == 0) // processor local APIC: ACPI id, APIC id, flags
                {
                    uint flags = *(uint*)(madt + offset + 4);
                    processors[index].ApicId = madt[offset + 3];
                    processors[index].Usable = (flags & 3) != 0;
                    index++;
                }
                else if (type == 5) // 64-bit local APIC address override
                {
                    LocalApicPhysical = *(ulong*)(madt + offset + 4);
                }
            }
            Processors = processors;
        }

        // Legacy BIOS: the RSDP sits on a 16-byte boundary in 0xE0000..0xFFFFF.
        private static ulong SearchBiosArea()
        {
            for (ulong physical = 0xE0000; physical < 0x100000; physical += 16)
            {
                byte* candidate = (byte*)Multiboot2.PhysicalToVirtual(physical);
                if (candidate[0] != 'R' || candidate[1] != 'S' || candidate[2] != 'D' || candidate[3] != ' '
                    || candidate[4] != 'P' || candidate[5] != 'T' || candidate[6] != 'R' || candidate[7] != ' ')
                    continue;
                byte sum = 0;
                for (int i = 0; i < 20; i++)
                    sum += candidate[i];
                if (sum == 0)
                    return (ulong)candidate;
            }
            return 0;
        }
    }
}
