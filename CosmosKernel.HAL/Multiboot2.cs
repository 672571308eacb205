namespace Cosmos.HAL
{
    // Reads the Multiboot2 information GRUB leaves us: command line, loader name,
    // memory map and framebuffer. Addresses are physical; we read them through the
    // direct map (PhysicalToVirtual).
    public unsafe sealed class Multiboot2
    {
        public const uint BootMagic = 0x36D76289;
        public const ulong DirectMapBase = 0xFFFF800000000000;
        public const ulong DirectMapLimit = 4UL << 30; // physical memory the kernel's direct map covers
        public const byte FramebufferRgb = 1, FramebufferEgaText = 2;

        private const uint TagEnd = 0, TagCommandLine = 1, TagLoaderName = 2, TagModule = 3, TagMemoryMap = 6, TagFramebuffer = 8,
            TagAcpiOldRsdp = 14, TagAcpiNewRsdp = 15;

        public struct MemoryRegion
        {
            public ulong Base;
            public ulong Length;
            public uint Type; // 1 = usable RAM
        }

        // A file GRUB loaded next to the kernel (module2 in grub.cfg): physical range and
        // the name given after the path.
        public struct Module
        {
            public ulong Start;
            public ulong End;
            public string Name;
        }

        public string CommandLine = "";
        public Module[] Modules = new Module[0];
        public string LoaderName = "";
        public MemoryRegion[] MemoryMap = new MemoryRegion[0];
        public ulong FramebufferAddress;
        public uint FramebufferWidth, FramebufferHeight, FramebufferPitch;
        public byte FramebufferBpp, FramebufferType; // FramebufferRgb or FramebufferEgaText; 0: no framebuffer tag
        public byte FramebufferRedPosition, FramebufferRedSize, FramebufferGreenPosition, FramebufferGreenSize,
            FramebufferBluePosition, FramebufferBlueSize; // RGB: where each channel's bits are in a pixel
        // The loader's copy of the ACPI RSDP (virtual address; 0 if it gave none).
        public ulong AcpiRsdp;

        public static ulong PhysicalToVirtual(ulong physical) => physical + DirectMapBase;

        public static Multiboot2 Parse(uint magic, uint infoPhysical)
        {
            var info = new Multiboot2();
            if (magic != BootMagic || infoPhysical == 0)
                return info;
            byte* start = (byte*)PhysicalToVirtual(infoPhysical);
            uint totalSize = *(uint*)start;
            byte* tag = start + 8;
            while (tag < start + totalSize)
            {
                uint type = *(uint*)tag;
                uint size = *(uint*)(tag + 4);
                if (type == TagEnd)
                    break;
                if (type == TagCommandLine)
                    info.CommandLine = ReadCString(tag + 8);
                else if (type == TagLoaderName)
                    info.LoaderName = ReadCString(tag + 8);
                else if (type == TagModule)
                    info.AddModule(*(uint*)(tag + 8), *(uint*)(tag + 12), ReadCString(tag + 16));
                else if (type == TagMemoryMap)
                    info.ParseMemoryMap(tag, size);
                else if (type == TagAcpiNewRsdp || (type == TagAcpiOldRsdp && info.AcpiRsdp == 0))
                    info.AcpiRsdp = (ulong)(tag + 8);
                else if (type == TagFramebuffer)
                {
                    info.FramebufferAddress = *(ulong*)(tag + 8);
                    info.FramebufferPitch = *(uint*)(tag + 16);
                    info.FramebufferWidth = *(uint*)(tag + 20);
                    info.FramebufferHeight = *(uint*)(tag + 24);
                    info.FramebufferBpp = tag[28];
                    info.FramebufferType = tag[29];
                    if (info.FramebufferType == FramebufferRgb && size >= 38)
                    {
                        info.FramebufferRedPosition = tag[32];
                        info.FramebufferRedSize = tag[33];
                        info.FramebufferGreenPosition = tag[34];
                        info.FramebufferGreenSize = tag[35];
                        info.FramebufferBluePosition = tag[36];
                        info.FramebufferBlueSize = tag[37];
                    }
                }
                tag += (size + 7) & ~7u;
            }
            return info;
        }

        private void AddModule(uint start, uint end, string name)
        {
            var grown = new Module[Modules.Length + 1];
            for (int i = 0; i < Modules.Length; i++)
                grown[i] = Modules[i];
            grown[Modules.Length] = new Module { Start = start, End = end, Name = name };
            Modules = grown;
        }

        private void ParseMemoryMap(byte* tag, uint size)
        {
            uint entrySize = *(uint*)(tag + 8);
            int count = (int)((size - 16) / entrySize);
            MemoryMap = new MemoryRegion[count];
            for (int i = 0; i < count; i++)
            {
                byte* entry = tag + 16 + i * entrySize;
                MemoryMap[i].Base = *(ulong*)entry;
                MemoryMap[i].Length = *(ulong*)(entry + 8);
                MemoryMap[i].Type = *(uint*)(entry + 16);
            }
        }

        public ulong UsableMemoryBytes
        {
            get
            {
                ulong total = 0;
                for (int i = 0; i < MemoryMap.Length; i++)
                    if (MemoryMap[i].Type == 1)
                        total += MemoryMap[i].Length;
                return total;
            }
        }

        private static string ReadCString(byte* text)
        {
            int length = 0;
            while (text[length] != 0 && length < 4096)
                length++;
            char* chars = stackalloc char[length + 1];
            for (int i = 0; i < length; i++)
                chars[i] = (char)text[i];
            return new string(chars, 0, length);
        }
    }
}
