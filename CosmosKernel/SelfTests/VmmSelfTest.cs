using Cosmos.HAL;
using CosmosKernel.Memory;
using CosmosKernel.Memory.UserCopy;
using CosmosKernel.Platform;

using CosmosKernel.Abi;

namespace CosmosKernel.SelfTests
{
    // The VMM on real page tables: an address space with its own CR3, demand-zero
    // faults, copy-on-write after fork, munmap, and every copy strategy against
    // present, not-yet-faulted, read-only and unmapped buffers. Faults are real #PFs
    // resolved by UserPageFaults. Ends with every frame returned.
    public static unsafe class VmmSelfTest
    {
        public static bool Run(Vmm vmm)
        {
            var t = new SelfTestRunner("vmm");
            ulong freeAtStart = vmm.Frames.FreeFrames;
            AddressSpace space = AddressSpace.Create(vmm);
            t.Check(space != null, "create an address space");
            Native.WriteCr3(space.Table.Root);

            const int RW = Prot.Read | Prot.Write;
            const int Anonymous = MapFlags.Private | MapFlags.Anonymous;
            long mapped = space.Map(0, 8 * Paging.PageSize, RW, Anonymous, null, 0);
            t.Check(mapped > 0, "mmap 8 anonymous pages");
            ulong buffer = (ulong)mapped;
            t.Check(space.Table.Get(buffer) == 0, "nothing mapped before the first touch");

            byte* source = stackalloc byte[256];
            byte* back = stackalloc byte[256];
            for (int i = 0; i < 256; i++)
                source[i] = (byte)(i ^ 0x5A);

            string[] names = UserCopier.StrategyNames;
            for (int s = 0; s < names.Length; s++)
            {
                var copier = new UserCopier(UserCopier.StrategyByName(names[s]));
                ulong at = buffer + (ulong)s * Paging.PageSize + Paging.PageSize - 100; // straddles two pages
                t.CheckEqual(0, (long)copier.CopyToUser(space, at, source, 256), names[s] + ": copy_to_user faults pages in");
                t.CheckEqual(0, (long)copier.CopyFromUser(space, back, at, 256), names[s] + ": copy_from_user");
                t.Check(SameBytes(source, back, 256), names[s] + ": bytes round-trip");
                t.CheckEqual(256, (long)copier.CopyFromUser(space, back, 0xFFFF800000001000, 256), names[s] + ": kernel address refused");
                t.Check(back[0] == 0 && back[255] == 0, names[s] + ": refused copy zero-fills");
            }
            t.Check(space.DemandZeroFaults >= 6, "pages were faulted in on demand");
            t.Check(UserPageFaults.ResolvedFaults > 0, "some faults were real #PFs resolved in the handler");

            // A buffer whose second page is unmapped: every strategy but naive stops at the hole.
            t.CheckEqual(0, space.Unmap(buffer + 6 * Paging.PageSize, Paging.PageSize), "munmap one page");
            ulong edge = buffer + 6 * Paging.PageSize - 64;
            for (int s = 0; s < names.Length; s++)
            {
                if (names[s] == "naive")
                    continue; // it would panic here, by design (selftest=naive-fault shows it)
                var copier = new UserCopier(UserCopier.StrategyByName(names[s]));
                t.CheckEqual(256 - 64, (long)copier.CopyToUser(space, edge, source, 256), names[s] + ": stops at the unmapped page");
                t.CheckEqual(256 - 64, (long)copier.CopyFromUser(space, back, edge, 256), names[s] + ": reads up to the unmapped page");
                t.Check(back[63] == source[63], names[s] + ": the mapped part was copied");
                t.Check(back[64] == 0, names[s] + ": zero-filled after the hole");
            }
            t.Check(UserPageFaults.RecoveredFaults > 0, "extable recovered from a real fault");

            // Read-only memory refuses copy_to_user.
            t.CheckEqual(0, space.Protect(buffer, Paging.PageSize, Prot.Read), "mprotect PROT_READ");
            var pageLock = new UserCopier(new PageLockStrategy());
            t.CheckEqual(16, (long)pageLock.CopyToUser(space, buffer, source, 16), "copy_to_user into read-only memory fails");

            // Copy-on-write after fork.
            var extable = new UserCopier(new ExtableStrategy());
            ulong cowPage = buffer + 2 * Paging.PageSize;
            source[0] = 1;
            extable.CopyToUser(space, cowPage, source, 1);
            AddressSpace child = space.CloneForFork();
            t.Check(child != null, "fork the address space");
            source[0] = 2;
            t.CheckEqual(0, (long)extable.CopyToUser(space, cowPage, source, 1), "parent writes after fork");
            t.Check(space.CopyOnWriteCopies == 1, "the write copied the shared page");
            Native.WriteCr3(child.Table.Root);
            extable.CopyFromUser(child, back, cowPage, 1);
            t.Check(back[0] == 1, "the child still sees the old value");
            Native.WriteCr3(space.Table.Root);
            extable.CopyFromUser(space, back, cowPage, 1);
            t.Check(back[0] == 2, "the parent sees its new value");

            Native.WriteCr3(vmm.KernelTable.Root);
            child.Destroy();
            space.Destroy();
            t.CheckEqual((long)freeAtStart, (long)vmm.Frames.FreeFrames, "every frame returned");
            t.CheckEqual(0, (long)vmm.Frames.CheckFreeFrames(), "no write into a freed frame");
            t.PrintSummary();
            return t.AllPassed;
        }

        private static bool SameBytes(byte* a, byte* b, int length)
        {
            for (int i = 0; i < length; i++)
                if (a[i] != b[i])
                    return false;
            return true;
        }
    }
}
