using CosmosKernel.Abi;

namespace CosmosKernel.Memory.UserCopy
{
    // copy_from_user, copy_to_user, strncpy_from_user and clear_user, with one
    // contract for every strategy:
    //  - the range is checked first: below the end of user space, canonical, no
    //    pointer + length overflow, no kernel address;
    //  - the copies return the number of bytes NOT copied;
    //  - a failed copy_from_user zero-fills the rest of the kernel buffer, so the
    //    caller never sees stale kernel bytes;
    //  - user data is fetched once: callers validate the kernel copy only.
    public sealed unsafe class UserCopier
    {
        private static readonly byte[] s_zeroPage = new byte[4096];

        public CopyStrategy Strategy;

        public UserCopier(CopyStrategy strategy) => Strategy = strategy;

        // True when [address, address + length) lies entirely in user space.
        public static bool RangeIsUser(ulong address, ulong length)
        {
            if (length == 0)
                return true;
            ulong end = address + length;
            return end > address && end <= Paging.UserSpaceEnd;
        }

        // Linux's access_ok(address, length) with four-level paging: the range neither
        // wraps nor ends past user space. Unlike RangeIsUser, a zero length is checked
        // too (its address must not lie past user space), as read(2) and write(2) do.
        public static bool AccessOk(ulong address, ulong length)
            => length <= Paging.UserSpaceEnd && address <= Paging.UserSpaceEnd - length;

        public ulong CopyFromUser(AddressSpace space, byte* to, ulong from, ulong length)
        {
            ulong notCopied = RangeIsUser(from, length) ? Strategy.CopyFromUser(space, to, from, length) : length;
            if (notCopied > length)
                notCopied = length;
            for (ulong i = length - notCopied; i < length; i++)
                to[i] = 0;
            return notCopied;
        }

        public ulong CopyToUser(AddressSpace space, ulong to, byte* from, ulong length)
        {
            if (!RangeIsUser(to, length))
                return length;
            ulong notCopied = Strategy.CopyToUser(space, to, from, length);
            return notCopied > length ? length : notCopied;
        }

        // Zero user memory; returns the bytes not cleared.
        public ulong ClearUser(AddressSpace space, ulong to, ulong length)
        {
            if (!RangeIsUser(to, length))
                return length;
            ulong done = 0;
            fixed (byte* zeros = s_zeroPage)
            {
                while (done < length)
                {
                    ulong chunk = length - done < 4096 ? length - done : 4096;
                    ulong notCleared = Strategy.CopyToUser(space, to + done, zeros, chunk);
                    done += chunk - notCleared;
                    if (notCleared != 0)
                        break;
                }
            }
            return length - done;
        }

        // Copy a NUL-terminated string of at most `count` bytes. Returns its length
        // (without the NUL) when a NUL was found, `count` when none was within count
        // bytes (the buffer is then not terminated, as Linux), or -EFAULT.
        public long StrncpyFromUser(AddressSpace space, byte* to, ulong from, ulong count)
        {
            ulong done = 0;
            while (done < count)
            {
                ulong address = from + done;
                ulong chunk = Paging.PageSize - (address & Paging.PageMask);
                if (chunk > count - done)
                    chunk = count - done;
                if (!RangeIsUser(address, chunk))
                    return -Errno.EFAULT;
                ulong notCopied = Strategy.CopyFromUser(space, to + done, address, chunk);
                ulong copied = chunk - notCopied;
                for (ulong i = 0; i < copied; i++)
                    if (to[done + i] == 0)
                        return (long)(done + i);
                if (notCopied != 0)
                    return -Errno.EFAULT;
                done += chunk;
            }
            return (long)count;
        }

        // The strategies by the names the kernel command line uses (strategy=...).
        public static CopyStrategy StrategyByName(string name)
        {
            if (name == "pagelock") return new PageLockStrategy();
            if (name == "mmlock") return new MmLockStrategy();
            if (name == "extable") return new ExtableStrategy();
            if (name == "pin") return new PinStrategy();
            if (name == "naive") return new NaiveStrategy();
            return null;
        }

        public static readonly string[] StrategyNames = { "pagelock", "mmlock", "extable", "pin", "naive" };
    }
}
