namespace Cosmos.HAL
{
    // QEMU's isa-debug-exit device (iobase 0xf4): writing v ends QEMU with exit status
    // (v << 1) | 1. On a machine without the device the write does nothing and we halt.
    public static class QemuDebugExit
    {
        public const ushort Port = 0xF4;

        public static void Exit(byte status)
        {
            Native.OutByte(Port, status);
            Native.HaltForever();
        }
    }
}
