namespace CosmosKernel.Memory.UserCopy
{
    // No locks over the copy. The copy runs with a fault recovery point (Linux's
    // exception table): a fault the VMM can resolve (demand paging, copy-on-write) is
    // resolved by the page-fault handler; one it cannot (the buffer was unmapped or
    // re-protected meanwhile) stops the copy, which reports the bytes not copied.
    public sealed unsafe class ExtableStrategy : CopyStrategy
    {
        public override string Name => "extable";

        public override ulong CopyFromUser(AddressSpace space, byte* to, ulong from, ulong length)
            => space.Vmm.UserMemory.CopyFromUser(space, to, from, length, recover: true);

        public override ulong CopyToUser(AddressSpace space, ulong to, byte* from, ulong length)
            => space.Vmm.UserMemory.CopyToUser(space, to, from, length, recover: true);
    }
}
