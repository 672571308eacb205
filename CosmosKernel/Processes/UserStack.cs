using CosmosKernel.Memory;

using CosmosKernel.Abi;

namespace CosmosKernel.Processes
{
    // The initial stack of a new program, laid out as Linux does (System V x86-64 ABI):
    //   rsp -> argc, argv[0..argc-1], NULL, envp[...], NULL, auxv pairs, AT_NULL,
    // then the strings and AT_RANDOM's 16 bytes above. rsp is 16-byte aligned.
    public static unsafe class UserStack
    {
        public const ulong Top = 0x00007FFFFFFFE000;
        public const ulong Size = 256 * 1024;

        private const ulong AtNull = 0, AtPhdr = 3, AtPhent = 4, AtPhnum = 5, AtPagesz = 6, AtEntry = 9, AtClktck = 17, AtRandom = 25;

        // Returns the initial rsp, or 0 if the stack could not be set up.
        public static ulong Build(AddressSpace space, Memory.UserCopy.UserCopier copier, ElfImage image, string[] argv, string[] envp, ulong randomSeed)
        {
            if (space.Map(Top - Size, Size, Prot.Read | Prot.Write, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed, null, 0) < 0)
                return 0;
            ulong at = Top;
            ulong* argvAddresses = stackalloc ulong[argv.Length + 1];
            ulong* envpAddresses = stackalloc ulong[envp.Length + 1];
            for (int i = 0; i < argv.Length; i++)
                if ((argvAddresses[i] = PushString(space, copier, ref at, argv[i])) == 0)
                    return 0;
            for (int i = 0; i < envp.Length; i++)
                if ((envpAddresses[i] = PushString(space, copier, ref at, envp[i])) == 0)
                    return 0;
            at -= 16;
            ulong random = at;
            ulong* randomBytes = stackalloc ulong[2];
            randomBytes[0] = randomSeed * 0x9E3779B97F4A7C15;
            randomBytes[1] = ~randomSeed * 0xC2B2AE3D27D4EB4F;
            if (copier.CopyToUser(space, random, (byte*)randomBytes, 16) != 0)
                return 0;

            const int AuxPairs = 8;
            ulong words = 1 + (ulong)argv.Length + 1 + (ulong)envp.Length + 1 + AuxPairs * 2;
            at = (at - words * 8) & ~15UL;
            ulong* table = stackalloc ulong[(int)words];
            int w = 0;
            table[w++] = (ulong)argv.Length;
            for (int i = 0; i < argv.Length; i++)
                table[w++] = argvAddresses[i];
            table[w++] = 0;
            for (int i = 0; i < envp.Length; i++)
                table[w++] = envpAddresses[i];
            table[w++] = 0;
            table[w++] = AtPhdr; table[w++] = image.ProgramHeaders;
            table[w++] = AtPhent; table[w++] = image.ProgramHeaderSize;
            table[w++] = AtPhnum; table[w++] = image.ProgramHeaderCount;
            table[w++] = AtPagesz; table[w++] = Paging.PageSize;
            table[w++] = AtEntry; table[w++] = image.Entry;
            table[w++] = AtRandom; table[w++] = random;
            table[w++] = AtClktck; table[w++] = (ulong)Abi.Rusage.UserHz;
            table[w++] = AtNull; table[w++] = 0;
            if (copier.CopyToUser(space, at, (byte*)table, words * 8) != 0)
                return 0;
            return at;
        }

        private static ulong PushString(AddressSpace space, Memory.UserCopy.UserCopier copier, ref ulong at, string text)
        {
            int length = text.Length;
            byte* bytes = stackalloc byte[length + 1];
            for (int i = 0; i < length; i++)
                bytes[i] = (byte)text[i];
            bytes[length] = 0;
            at -= (ulong)length + 1;
            return copier.CopyToUser(space, at, bytes, (ulong)length + 1) == 0 ? at : 0;
        }
    }
}
