namespace CosmosKernel.Memory.UserCopy
{
    // The textbook mistake: check the range, then copy. A concurrent munmap makes the
    // copy fault on an unmapped user address with no recovery: a kernel panic (the
    // race lab shows it). Kept to show what the other strategies prevent.
    public sealed unsafe class NaiveStrategy : CopyStrategy
    {
        public override string Name => "naive";

        public override ulong CopyFromUser(AddressSpace space, byte* to, ulong from, ulong length)
            => space.Vmm.UserMemory.CopyFromUser(space, to, from, length, recover: false);

        public override ulong CopyToUser(AddressSpace space, ulong to, byte* from, ulong length)
            => space.Vmm.UserMemory.CopyToUser(space, to, from, length, recover: false);
    }
}
