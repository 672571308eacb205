namespace Cosmos.HAL
{
    // QEMU's isa-debug-exit device (iobase 0xf4): writing v ends QEMU with exit status
    // (v << 1) | 1. On a machine without the device the write does nothing and we halt.
    public static class QemuDebugExit
    {
        public const ushort Port = 0xF4;

        // The line the host launcher trusts, with QEMU's exit code: QEMU exits with 1
        // for its own errors too (a bad -smp, no display), which alone would read as
        // "kernel status 0". Written straight to COM1 without allocating (a crash or
        // out-of-memory path calls this).
        public const string StatusLinePrefix = "KERNEL_EXIT status=";

        public static void Exit(byte status)
        {
            SerialPort.WriteRaw(SerialPort.Com1, "\n");
            SerialPort.WriteRaw(SerialPort.Com1, StatusLinePrefix);
            if (status >= 100)
                SerialPort.WriteRawByte(SerialPort.Com1, (byte)('0' + status / 100));
            if (status >= 10)
                SerialPort.WriteRawByte(SerialPort.Com1, (byte)('0' + status / 10 % 10));
            SerialPort.WriteRawByte(SerialPort.Com1, (byte)('0' + status % 10));
            SerialPort.WriteRaw(SerialPort.Com1, "\n");
            Native.OutByte(Port, status);
            Native.HaltForever();
        }
    }
}
