using System;
using System.Runtime;

namespace Internal.Runtime
{
    // The heap behind `new`, in the kernel and in user programs alike. Objects live
    // until the garbage collector (GarbageCollector.cs) finds them unreachable; a home
    // that installs no collector (the user programs, today) never frees anything.
    //
    // Layout: one arena (RuntimeImports.HeapArena), cut into blocks from the bottom
    // up by a bump pointer. Every block starts with a header word, so the used part
    // of the arena can be walked block by block:
    //   bits 4..63  the block's size in bytes, header included (a multiple of 16)
    //   bits 0..1   its kind: Free, Object or Raw (runtime tables and stacks: never
    //               freed, never scanned as an object)
    //   bit 2       the collector's mark
    // An object starts right after its header (its MethodTable pointer first): the
    // header is the word NativeAOT's object layout reserves before the MethodTable
    // (included in MethodTable.BaseSize), so a block is exactly the object, rounded
    // up to 16 bytes.
    //
    // Free blocks are kept on free lists: one per size class up to 1 KiB (exact fit),
    // and one list of larger blocks (first fit, split). Their payload is poisoned; an
    // allocation checks the poison before it zeroes the block, so a write into a freed
    // object (a reference the collector did not see) is counted in PoisonViolations,
    // never silently repaired. A bitmap with one bit per 16 bytes marks where each
    // object block starts: the collector uses it to find the object behind any
    // address on a stack (which may point into the middle of an object).
    //
    // Lock: s_lock guards everything here. It is a leaf: nothing else is locked while
    // it is held, and the collector runs without it (it stops every other CPU first).
    public static unsafe class RuntimeHeap
    {
        internal const ulong KindMask = 3, KindFree = 0, KindObject = 1, KindRaw = 2;
        internal const ulong MarkBit = 4;
        private const ulong FlagMask = 15;
        internal const ulong Granule = 16;
        private const int SizeClasses = 64; // exact-fit lists for blocks of 16 .. 1024 bytes
        internal const ulong PoisonPattern = 0xF4EEF4EEF4EEF4EE; // "freed", as freed frames
        // A free block's first payload word links it to the next free block.
        private const int LinkOffset = 8, PoisonOffset = 16;

        private static byte* s_start;         // the arena
        private static byte* s_next;          // bump pointer: blocks end here
        private static byte* s_end;
        private static ulong* s_objectStarts; // bitmap over [s_start, s_end), one bit per granule
        private static byte** s_freeLists;    // [SizeClasses]
        private static byte* s_largeBlocks;   // free blocks above the size classes
        private static bool s_initialized;
        private static int s_lock;

        // Statistics (under s_lock, or written by the collector with the world stopped).
        private static ulong s_bytesAllocated;      // every block handed out, ever
        private static ulong s_bytesFreed;          // every block the collector freed, ever
        private static ulong s_rawBytes;
        private static ulong s_freeBytes;           // on the free lists now
        private static ulong s_sinceCollection;     // allocated since the last collection
        private static ulong s_liveAfterCollection; // object bytes the last collection kept
        private static ulong s_collections;
        private static ulong s_poisonViolations;
        private static ulong s_lastPoisonViolation;

        // The home's collector (the kernel installs one; it stops the other CPUs and
        // reports the roots). Null: nothing is ever collected.
        private static delegate*<void> s_collector;
        private static bool s_collecting;

        // Collect once this many bytes were allocated since the last collection (or
        // as many as the last collection kept, whichever is more): the collector's
        // work stays proportional to the allocation it pays for.
        public const ulong MinimumCollectionInterval = 1UL << 20;

        // (Volatile: the JIT takes `new` for a call that changes no static field, and
        // would reuse a value read before it.)
        public static ulong BytesAllocated => System.Threading.Volatile.Read(ref s_bytesAllocated);
        public static ulong BytesFreed => System.Threading.Volatile.Read(ref s_bytesFreed);
        public static ulong Capacity => (ulong)(s_end - s_start);
        // Bytes in blocks that are not free: live objects, garbage not collected yet,
        // runtime tables.
        public static ulong BytesInUse => (ulong)(s_next - s_start) - s_freeBytes;
        // Bytes never handed out, plus free blocks: what allocation can still use.
        public static ulong BytesAvailable => (ulong)(s_end - s_next) + s_freeBytes;
        public static ulong LiveBytesAfterCollection => s_liveAfterCollection;
        public static ulong Collections => System.Threading.Volatile.Read(ref s_collections);
        public static ulong PoisonViolations => s_poisonViolations;
        public static ulong LastPoisonViolation => s_lastPoisonViolation;
        public static bool Collecting => s_collecting;
        // The arena's bounds (the collector does not scan it as a root: it scans objects).
        public static ulong ArenaStart => (ulong)s_start;
        public static ulong ArenaEnd => (ulong)s_end;

        public static void SetCollector(delegate*<void> collector) => s_collector = collector;

        // Whether an object of `size` bytes would find a block now (free memory may be
        // plenty and still in pieces too small for it).
        public static bool HasBlockFor(ulong size)
        {
            ulong total = RoundUp(size + 8);
            Lock();
            EnsureInitialized();
            // What TakeBlock would use: the exact size class (a bigger class's block is
            // never split for a smaller object), the large list, the bump space.
            bool found = (ulong)(s_end - s_next) >= total;
            ulong sizeClass = total / Granule - 1;
            if (!found && sizeClass < SizeClasses)
                found = s_freeLists[sizeClass] != null;
            for (byte* block = s_largeBlocks; !found && block != null; block = *(byte**)(block + LinkOffset))
                found = SizeOf(block) >= total;
            Unlock();
            return found;
        }

        private static void Lock()
        {
            while (System.Threading.Interlocked.CompareExchange(ref s_lock, 1, 0) != 0)
                RuntimeImports.Yield();
        }

        private static void Unlock() => System.Threading.Volatile.Write(ref s_lock, 0);

        private static void EnsureInitialized()
        {
            if (s_initialized)
                return;
            s_initialized = true;
            byte* arena = RuntimeImports.HeapArena();
            ulong size = RuntimeImports.HeapArenaSize();
            // Blocks start on a granule; the object inside starts 8 bytes later.
            s_start = (byte*)(((ulong)arena + Granule - 1) & ~(Granule - 1));
            s_end = s_start + ((size - (ulong)(s_start - arena)) & ~(Granule - 1));
            s_next = s_start;
            // The runtime's own tables come first, as raw blocks.
            ulong bitmapBytes = ((ulong)(s_end - s_start) / Granule + 63) / 64 * 8;
            s_objectStarts = (ulong*)AllocateRawLocked(bitmapBytes);
            s_freeLists = (byte**)AllocateRawLocked((ulong)(SizeClasses * sizeof(void*)));
        }

        // ---- allocation ---------------------------------------------------------------

        // Zeroed memory for runtime tables and stacks: never freed, never moved, never
        // scanned for references (whatever it holds keeps no object alive).
        public static byte* AllocateRaw(ulong size)
        {
            Lock();
            EnsureInitialized();
            byte* payload = AllocateRawLocked(size);
            Unlock();
            return payload;
        }

        private static byte* AllocateRawLocked(ulong size)
        {
            ulong total = RoundUp(size + 8);
            byte* block = TakeBlock(total);
            if (block == null)
            {
                Unlock();
                OutOfMemory(total);
            }
            SetHeader(block, total, KindRaw);
            s_rawBytes += total;
            System.Buffer.ZeroMemory(block + 8, (nuint)(total - 8));
            return block + 8;
        }

        public static object AllocateObject(MethodTable* type) => Allocate(type, type->BaseSize, 0);

        public static object AllocateArray(MethodTable* type, int length)
        {
            if (length < 0)
                CompilerHelpers.ThrowHelpers.ThrowOverflowException();
            return Allocate(type, type->BaseSize + (ulong)type->ComponentSize * (ulong)length, length);
        }

        // new byte[length], or null when no block fits even after a collection, where
        // `new` ends in a panic. For a buffer whose size a program decides (a pipe's
        // ring): a check first (HasBlockFor) and `new` after it would race with another
        // CPU taking the same block.
        public static byte[] TryNewByteArray(int length)
        {
            if (length < 0)
                return null;
            MethodTable* type = s_byteArrayType;
            if (type == null)
                s_byteArrayType = type = new byte[0].GetMethodTable(); // any CPU may: all write the same
            return (byte[])Allocate(type, type->BaseSize + (ulong)type->ComponentSize * (ulong)length, length, mayFail: true);
        }

        private static MethodTable* s_byteArrayType; // byte[]'s, from the first call (no static constructor here)

        // An object of `size` bytes (its header word included); arrays and strings
        // also get their length. Out of heap: a panic, or null when `mayFail`.
        private static object Allocate(MethodTable* type, ulong size, int length, bool mayFail = false)
        {
            ulong total = RoundUp(size);
            if (total < size)
                CompilerHelpers.ThrowHelpers.ThrowOverflowException();
            MaybeCollect();
            Lock();
            EnsureInitialized();
            byte* block = TakeBlock(total);
            if (block == null && s_collector != null && !s_collecting)
            {
                // Full: collect, then try once more.
                Unlock();
                Collect();
                Lock();
                block = TakeBlock(total);
            }
            if (block == null)
            {
                Unlock();
                if (mayFail)
                    return null;
                OutOfMemory(total);
            }
            SetHeader(block, total, KindObject);
            SetObjectStart(block);
            System.Buffer.ZeroMemory(block + 8, (nuint)(total - 8));
            s_bytesAllocated += total;
            s_sinceCollection += total;
            *(MethodTable**)(block + 8) = type;
            if (type->HasComponentSize)
                *(int*)(block + 16) = length;
            Unlock();
            byte* address = block + 8;
            return System.Runtime.CompilerServices.Unsafe.AsRef<object>(&address);
        }

        // Collect when enough was allocated since the last collection.
        private static void MaybeCollect()
        {
            if (s_collector == null || s_collecting)
                return;
            ulong interval = s_liveAfterCollection > MinimumCollectionInterval ? s_liveAfterCollection : MinimumCollectionInterval;
            if (System.Threading.Volatile.Read(ref s_sinceCollection) >= interval)
                Collect();
        }

        // Run the home's collector now (it calls back into GarbageCollector).
        public static void Collect()
        {
            if (s_collector == null || s_collecting)
                return;
            s_collector();
        }

        // Out of heap even after a collection: the home's panic reporter runs without
        // the heap lock (it may allocate; if that fails too, RuntimePanic stops raw).
        private static void OutOfMemory(ulong total)
        {
            RuntimePanic.FailNumber("kernel heap exhausted: a block of ", total, " bytes does not fit");
        }

        // A block of exactly `total` bytes or more (the rest of a large free block is
        // split off): from its size class, the large list, or the bump pointer. Null
        // when none is left. The caller sets the header.
        private static byte* TakeBlock(ulong total)
        {
            ulong sizeClass = total / Granule - 1;
            byte* block;
            // (No free lists yet while EnsureInitialized allocates them.)
            if (sizeClass < SizeClasses && s_freeLists != null && (block = s_freeLists[sizeClass]) != null)
            {
                s_freeLists[sizeClass] = *(byte**)(block + LinkOffset);
                s_freeBytes -= total;
                CheckPoison(block, total);
                return block;
            }
            block = TakeLargeBlock(total);
            if (block != null)
                return block;
            if ((ulong)(s_end - s_next) < total)
                return null;
            block = s_next;
            s_next += total;
            return block;
        }

        // First fit from the large list; the remainder goes back as a free block.
        private static byte* TakeLargeBlock(ulong total)
        {
            fixed (byte** head = &s_largeBlocks) // a static: it never moves
            {
                byte** link = head;
                while (*link != null)
                {
                    byte* block = *link;
                    ulong size = SizeOf(block);
                    if (size >= total)
                    {
                        *link = *(byte**)(block + LinkOffset);
                        s_freeBytes -= size;
                        CheckPoison(block, total);
                        if (size > total) // sizes are granule multiples: the rest is a block
                            AddFree(block + total, size - total); // its payload was ours: still poisoned
                        return block;
                    }
                    link = (byte**)(block + LinkOffset);
                }
            }
            return null;
        }

        // Put a free block (its payload poisoned from PoisonOffset on) on its list.
        private static void AddFree(byte* block, ulong size)
        {
            SetHeader(block, size, KindFree);
            ulong sizeClass = size / Granule - 1;
            if (sizeClass < SizeClasses)
            {
                *(byte**)(block + LinkOffset) = s_freeLists[sizeClass];
                s_freeLists[sizeClass] = block;
            }
            else
            {
                *(byte**)(block + LinkOffset) = s_largeBlocks;
                s_largeBlocks = block;
            }
            s_freeBytes += size;
        }

        private static void CheckPoison(byte* block, ulong total)
        {
            for (ulong offset = PoisonOffset; offset < total; offset += 8)
            {
                if (*(ulong*)(block + offset) != PoisonPattern)
                {
                    s_poisonViolations++;
                    s_lastPoisonViolation = (ulong)(block + offset);
                    return;
                }
            }
        }

        // ---- block layout, for the collector --------------------------------------------

        internal static byte* Start => s_start;
        internal static byte* Next => s_next;

        internal static ulong SizeOf(byte* block) => *(ulong*)block & ~FlagMask;
        internal static ulong KindOf(byte* block) => *(ulong*)block & KindMask;
        private static void SetHeader(byte* block, ulong size, ulong kind) => *(ulong*)block = size | kind;
        private static ulong RoundUp(ulong size) => (size + Granule - 1) & ~(Granule - 1);

        private static void SetObjectStart(byte* block)
        {
            ulong granule = (ulong)(block - s_start) / Granule;
            s_objectStarts[granule / 64] |= 1UL << (int)(granule % 64);
        }

        private static void ClearObjectStart(byte* block)
        {
            ulong granule = (ulong)(block - s_start) / Granule;
            s_objectStarts[granule / 64] &= ~(1UL << (int)(granule % 64));
        }

        internal static bool IsObjectStart(byte* block)
        {
            if (block < s_start || block >= s_next || ((ulong)block & (Granule - 1)) != 0)
                return false;
            ulong granule = (ulong)(block - s_start) / Granule;
            return (s_objectStarts[granule / 64] & (1UL << (int)(granule % 64))) != 0;
        }

        // The object block that contains `address` (anywhere in it, header included),
        // or null: the nearest object start at or below it, if the block reaches it.
        internal static byte* FindObjectBlock(ulong address)
        {
            if (address < (ulong)s_start || address >= (ulong)s_next)
                return null;
            ulong granule = (address - (ulong)s_start) / Granule;
            long word = (long)(granule / 64);
            ulong bits = s_objectStarts[word] & (ulong.MaxValue >> (63 - (int)(granule % 64)));
            while (bits == 0)
            {
                if (--word < 0)
                    return null;
                bits = s_objectStarts[word];
            }
            int top = 63;
            while ((bits & (1UL << top)) == 0)
                top--;
            byte* block = s_start + ((ulong)word * 64 + (ulong)top) * Granule;
            return address < (ulong)block + SizeOf(block) ? block : null;
        }

        // Whether `word` is one of the heap's own fields that hold an address in the
        // arena: the collector must not take them for references when it scans the
        // image's data. The bump pointer points just past the last block, and the first
        // large free block just past another: by the "just past an object" rule each
        // would keep the block before it alive (seen: a dead pipe's 16 KiB buffer, the
        // last block the heap had handed out, kept until the heap grew again).
        internal static bool IsOwnWord(ulong* word)
        {
            fixed (byte** start = &s_start, next = &s_next, end = &s_end, large = &s_largeBlocks)
            fixed (ulong** starts = &s_objectStarts)
            fixed (byte*** lists = &s_freeLists)
            fixed (ulong* poison = &s_lastPoisonViolation)
                return word == (ulong*)start || word == (ulong*)next || word == (ulong*)end || word == (ulong*)large
                    || word == (ulong*)starts || word == (ulong*)lists || word == poison;
        }

        // Whether an object lives at this address (self-tests: was it collected?).
        public static bool IsLiveObject(ulong address) => IsObjectStart((byte*)(address - 8));

        internal static bool IsMarked(byte* block) => (*(ulong*)block & MarkBit) != 0;
        internal static void SetMark(byte* block) => *(ulong*)block |= MarkBit;

        // ---- sweeping (the collector calls these with the world stopped) ------------------

        internal static void BeginCollection()
        {
            s_collecting = true;
        }

        // Free every unmarked object, clear the marks of the others, merge neighbouring
        // free blocks and rebuild the free lists. Returns the bytes freed.
        internal static ulong Sweep()
        {
            for (int i = 0; i < SizeClasses; i++)
                s_freeLists[i] = null;
            s_largeBlocks = null;
            s_freeBytes = 0;
            ulong freed = 0, live = 0;
            byte* runStart = null; // a run of neighbouring free blocks being merged
            for (byte* block = s_start; block < s_next; )
            {
                ulong size = SizeOf(block);
                ulong kind = KindOf(block);
                bool garbage = kind == KindObject && !IsMarked(block);
                if (kind == KindObject && !garbage)
                {
                    *(ulong*)block &= ~MarkBit;
                    live += size;
                }
                if (kind == KindFree || garbage)
                {
                    if (garbage)
                    {
                        ClearObjectStart(block);
                        freed += size;
                        Fill(block, 0, size);        // header and all: it may join a run
                    }
                    else
                    {
                        Fill(block, 0, PoisonOffset); // its header and link join a run
                    }
                    if (runStart == null)
                        runStart = block;
                }
                else if (runStart != null)
                {
                    AddFree(runStart, (ulong)(block - runStart));
                    runStart = null;
                }
                block += size;
            }
            if (runStart != null)
                AddFree(runStart, (ulong)(s_next - runStart));
            s_bytesFreed += freed;
            s_liveAfterCollection = live;
            s_sinceCollection = 0;
            s_collections++;
            s_collecting = false;
            return freed;
        }

        private static void Fill(byte* block, ulong from, ulong to)
        {
            for (ulong offset = from; offset < to; offset += 8)
                *(ulong*)(block + offset) = PoisonPattern;
        }
    }
}
