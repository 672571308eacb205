namespace Cosmos.HAL
{
    // The legacy 8259 interrupt controllers. Their default vectors (8-15) collide with
    // CPU exceptions, so they are remapped to 32-47 and every line starts masked; the
    // PIT's IRQ 0 is unmasked for the scheduler tick on CPU 0 (the other CPUs tick with
    // their local APIC timers).
    public static class Pic
    {
        public static void RemapAndMaskAll()
        {
            Native.OutByte(0x20, 0x11); // ICW1: init, expect ICW4
            Native.OutByte(0xA0, 0x11);
            Native.OutByte(0x21, 32);   // ICW2: master vectors 32-39
            Native.OutByte(0xA1, 40);   //       slave vectors 40-47
            Native.OutByte(0x21, 4);    // ICW3: slave on IRQ2
            Native.OutByte(0xA1, 2);
            Native.OutByte(0x21, 1);    // ICW4: 8086 mode
            Native.OutByte(0xA1, 1);
            Native.OutByte(0x21, 0xFF); // mask everything
            Native.OutByte(0xA1, 0xFF);
        }

        // The vector IRQ `irq` arrives on (RemapAndMaskAll: 32-47).
        public static int Vector(int irq) => 32 + irq;

        public static void Unmask(int irq)
        {
            ushort port = irq < 8 ? (ushort)0x21 : (ushort)0xA1;
            Native.OutByte(port, (byte)(Native.InByte(port) & ~(1 << (irq & 7))));
        }

        public static void EndOfInterrupt(int irq)
        {
            if (irq >= 8)
                Native.OutByte(0xA0, 0x20);
            Native.OutByte(0x20, 0x20);
        }
    }
}
