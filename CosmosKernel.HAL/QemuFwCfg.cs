namespace Cosmos.HAL
{
    // QEMU's fw_cfg device: the tests pass extra kernel options as the file
    // "opt/cosmos/cmdline" (-fw_cfg name=opt/cosmos/cmdline,string=...), so one ISO
    // serves every test. On other machines the signature check fails and it is unused.
    public static unsafe class QemuFwCfg
    {
        private const ushort SelectorPort = 0x510;
        private const ushort DataPort = 0x511;
        private const ushort SignatureKey = 0x0000;
        private const ushort FileDirectoryKey = 0x0019;

        public static bool IsPresent()
        {
            Native.OutWord(SelectorPort, SignatureKey);
            return Native.InByte(DataPort) == 'Q' && Native.InByte(DataPort) == 'E'
                && Native.InByte(DataPort) == 'M' && Native.InByte(DataPort) == 'U';
        }

        // The contents of the named fw_cfg file as a string, or null.
        public static string ReadFile(string name)
        {
            if (!IsPresent())
                return null;
            Native.OutWord(SelectorPort, FileDirectoryKey);
            uint count = ReadBigEndian32();
            for (uint i = 0; i < count; i++)
            {
                uint size = ReadBigEndian32();
                ushort select = (ushort)((Native.InByte(DataPort) << 8) | Native.InByte(DataPort));
                Native.InByte(DataPort);
                Native.InByte(DataPort);
                bool matches = true;
                for (int c = 0; c < 56; c++)
                {
                    byte b = Native.InByte(DataPort);
                    char expected = c < name.Length ? name[c] : '\0';
                    if (b != expected)
                        matches = false;
                }
                if (!matches)
                    continue;
                Native.OutWord(SelectorPort, select);
                char* text = stackalloc char[256];
                int length = 0;
                for (uint b = 0; b < size && length < 256; b++)
                {
                    byte value = Native.InByte(DataPort);
                    if (value == 0)
                        break;
                    text[length++] = (char)value;
                }
                return new string(text, 0, length);
            }
            return null;
        }

        private static uint ReadBigEndian32()
        {
            uint value = 0;
            for (int i = 0; i < 4; i++)
                value = (value << 8) | Native.InByte(DataPort);
            return value;
        }
    }
}
