using Cosmos.HAL;
using CosmosKernel.Memory;

namespace CosmosKernel.Platform
{
    // The real machine's way to touch user memory: `rep movsb` in the address space
    // loaded in CR3 (Native.UserCopy). Page faults on the way reach
    // UserPageFaults.Handle, which resolves them through the VMM or, for a
    // recoverable copy, ends the copy at the fault.
    public sealed unsafe class KernelUserMemoryAccess : IUserMemoryAccess
    {
        public ulong CopyFromUser(AddressSpace space, byte* to, ulong from, ulong length, bool recover)
            => Copy(space, to, (byte*)from, length, recover);

        public ulong CopyToUser(AddressSpace space, ulong to, byte* from, ulong length, bool recover)
            => Copy(space, (byte*)to, from, length, recover);

        private static ulong Copy(AddressSpace space, byte* to, byte* from, ulong length, bool recover)
        {
            if (length == 0)
                return 0;
            if (Native.ReadCr3() != space.Table.Root)
                Diagnostics.Panic.Report("user copy for an address space that is not loaded in CR3");
            UserPageFaults.BeginCopy(space, recover);
            ulong notCopied = Native.UserCopy(to, from, length);
            UserPageFaults.EndCopy();
            return notCopied;
        }
    }
}
