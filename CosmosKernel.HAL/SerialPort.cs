namespace Cosmos.HAL
{
    // A 16550 UART. COM1 carries the console mirror and the machine-readable lines
    // the host tests and tools read (115200 baud, 8N1).
    public sealed class SerialPort
    {
        public const ushort Com1 = 0x3F8;
        private readonly ushort _base;

        public SerialPort(ushort basePort)
        {
            _base = basePort;
            Native.OutByte((ushort)(_base + 1), 0x00); // no interrupts
            Native.OutByte((ushort)(_base + 3), 0x80); // DLAB on
            Native.OutByte((ushort)(_base + 0), 0x01); // divisor 1: 115200 baud
            Native.OutByte((ushort)(_base + 1), 0x00);
            Native.OutByte((ushort)(_base + 3), 0x03); // 8N1, DLAB off
            Native.OutByte((ushort)(_base + 2), 0xC7); // FIFO on, cleared
            Native.OutByte((ushort)(_base + 4), 0x03); // DTR | RTS
        }

        public void Write(byte value) => WriteRawByte(_base, value);

        // Interrupt on a received byte (IRQ 4 for COM1): IER's "data available", and
        // MCR's OUT2, which connects the UART's interrupt line to the 8259.
        public static void EnableReceiveInterrupt(ushort basePort)
        {
            Native.OutByte((ushort)(basePort + 4), 0x0B); // DTR | RTS | OUT2
            Native.OutByte((ushort)(basePort + 1), 0x01);
        }

        // A received byte, if one waits (LSR bit 0). A missing UART reads 0xFF
        // everywhere: no byte (a PC without COM1 must not look like an endless stream).
        public static bool TryReceive(ushort basePort, out byte value)
        {
            value = 0;
            byte status = Native.InByte((ushort)(basePort + 5));
            if (status == 0xFF || (status & 0x01) == 0)
                return false;
            value = Native.InByte(basePort);
            return true;
        }

        // To an initialised UART at `basePort`, without an instance (paths that must not
        // allocate). Bounded wait: a missing UART (real hardware without COM1) must not
        // hang boot.
        public static void WriteRawByte(ushort basePort, byte value)
        {
            for (int spins = 0; spins < 100000 && (Native.InByte((ushort)(basePort + 5)) & 0x20) == 0; spins++)
                Native.Pause();
            Native.OutByte(basePort, value);
        }

        public static void WriteRaw(ushort basePort, string ascii)
        {
            for (int i = 0; i < ascii.Length; i++)
                WriteRawByte(basePort, (byte)ascii[i]);
        }
    }
}
