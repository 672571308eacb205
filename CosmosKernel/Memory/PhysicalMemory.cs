namespace CosmosKernel.Memory
{
    // How the VMM reaches a physical frame: through a window at a fixed offset. In the
    // kernel the window is the direct map (Paging.DirectMapBase); on the host it is a
    // native buffer standing in for the machine's RAM. Everything that reads or writes
    // page tables and frames goes through Map, so both homes run the same code.
    public sealed unsafe class PhysicalMemory
    {
        private readonly byte* _window;

        // window: the virtual address at which physical address 0 appears.
        public PhysicalMemory(byte* window) => _window = window;

        public byte* Map(ulong physical) => _window + physical;

        public ulong* MapTable(ulong physical) => (ulong*)(_window + physical);

        public void Zero(ulong physical, ulong length)
        {
            ulong* words = (ulong*)Map(physical);
            for (ulong i = 0; i < length / 8; i++)
                words[i] = 0;
        }

        public void Copy(ulong destinationPhysical, ulong sourcePhysical, ulong length)
        {
            ulong* destination = (ulong*)Map(destinationPhysical);
            ulong* source = (ulong*)Map(sourcePhysical);
            for (ulong i = 0; i < length / 8; i++)
                destination[i] = source[i];
        }
    }
}
