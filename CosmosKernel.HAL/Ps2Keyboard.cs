namespace Cosmos.HAL
{
    // The PS/2 keyboard behind the 8042 controller (IRQ 1, data port 0x60), in scan
    // code set 1 (the controller translates the keyboard's set 2, as the BIOS leaves
    // it): a key's press into the byte a terminal gets (US layout), with Shift, Ctrl and
    // Caps Lock; releases, other keys and the 0xE0 prefix give nothing except the arrows,
    // which are dropped (no escape sequences yet).
    public static class Ps2Keyboard
    {
        public const int Irq = 1;
        private const ushort DataPort = 0x60;
        private const ushort StatusPort = 0x64;

        private static bool s_shift, s_ctrl, s_capsLock, s_extended;

        // Set 1 make codes 0x00-0x39, without and with Shift (0: no character; Enter is
        // a carriage return, as a terminal sends it).
        private const string Plain = "\0\u001b1234567890-=\b\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
        private const string Shifted = "\0\u001b!@#$%^&*()_+\b\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

        // The next scan code, if the controller has one (a missing controller reads
        // 0xFF: none).
        public static bool TryRead(out byte scanCode)
        {
            scanCode = 0;
            byte status = Native.InByte(StatusPort);
            if (status == 0xFF || (status & 0x01) == 0)
                return false;
            scanCode = Native.InByte(DataPort);
            return true;
        }

        // The byte a key press means, or false.
        public static bool Translate(byte scanCode, out byte value)
        {
            value = 0;
            if (scanCode == 0xE0)
            {
                s_extended = true;
                return false;
            }
            bool extended = s_extended;
            s_extended = false;
            bool release = (scanCode & 0x80) != 0;
            byte code = (byte)(scanCode & 0x7F);
            switch (code)
            {
                case 0x2A:
                case 0x36:
                    s_shift = !release;
                    return false;
                case 0x1D:
                    s_ctrl = !release;
                    return false;
                case 0x3A:
                    if (!release)
                        s_capsLock = !s_capsLock;
                    return false;
            }
            if (release || extended || code >= Plain.Length)
                return false;
            char c = s_shift ? Shifted[code] : Plain[code];
            if (c == '\0')
                return false;
            if (s_capsLock && c >= 'a' && c <= 'z')
                c = (char)(c - 32);
            else if (s_capsLock && c >= 'A' && c <= 'Z' && s_shift)
                c = (char)(c + 32);
            if (s_ctrl && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\\'))
                c = c == '\\' ? (char)0x1C : (char)((c | 0x20) - 'a' + 1);
            if (c == '\b')
                c = (char)0x7F; // Backspace sends DEL, as on a Linux console
            value = (byte)c;
            return true;
        }
    }
}
