namespace Internal.Runtime
{
    // A mark-and-sweep collector over RuntimeHeap: non-moving, precise inside objects,
    // conservative for roots. The home drives it (the kernel's
    // Platform/KernelGarbageCollector.cs): it stops every other CPU, calls Begin,
    // reports each root range (stacks from their stack pointer up, the image's data)
    // with ScanRoots, and calls Finish, which marks what the roots reach and sweeps.
    //
    // Roots are scanned conservatively: any word that points anywhere into an object
    // (or just past its end, as a loop's end pointer may) keeps it alive, so a stack
    // needs no compiler-made map of its references. Objects are scanned precisely:
    // ILC writes before each MethodTable that has references a GC descriptor (the one
    // NativeAOT's own collector reads) listing where the references lie, so a byte
    // array's contents or an integer field never keep anything alive.
    //
    // Nothing here allocates: the mark stack is reserved up front. When it overflows,
    // the marked objects are scanned again by a walk of the heap until nothing new is
    // marked (each walk marks at least one more object, so it ends).
    public static unsafe class GarbageCollector
    {
        private const uint HasPointersFlag = 0x01000000; // MethodTable flags: the type has references
        private const int MarkStackEntries = 16 * 1024;

        private static byte** s_markStack;
        private static int s_markCount;
        private static bool s_overflowed;
        private static ulong s_rootWords;

        // A reference field that points into the heap but not at an object: the
        // collector freed a live object earlier, or memory was overwritten. Recorded
        // (the home reports it and stops), never followed.
        public static ulong DanglingReferences;
        public static ulong LastDanglingReference;

        // The last collection: bytes freed, root words scanned.
        public static ulong LastFreedBytes;
        public static ulong LastRootWords;

        // Reserve the mark stack (before the first collection: Finish must not allocate).
        public static void Initialize()
        {
            if (s_markStack == null)
                s_markStack = (byte**)RuntimeHeap.AllocateRaw((ulong)(MarkStackEntries * sizeof(void*)));
        }

        // The world is stopped: start a collection.
        public static void Begin()
        {
            if (s_markStack == null)
                RuntimePanic.Fail("garbage collector: Initialize was not called");
            s_markCount = 0;
            s_overflowed = false;
            s_rootWords = 0;
            RuntimeHeap.BeginCollection();
        }

        // Every 8-byte aligned word in [start, end) that points into an object keeps it.
        public static void ScanRoots(void* start, void* end)
        {
            ulong* word = (ulong*)(((ulong)start + 7) & ~7UL);
            for (; word < (ulong*)end; word++)
            {
                if (RuntimeHeap.IsOwnWord(word))
                    continue; // the heap's bookkeeping (in the image's data), not a reference
                s_rootWords++;
                ulong value = *word;
                MarkBlock(RuntimeHeap.FindObjectBlock(value));
                // A pointer just past an object is the end of a loop over it.
                if ((value & (RuntimeHeap.Granule - 1)) == 0)
                    MarkBlock(RuntimeHeap.FindObjectBlock(value - 1));
            }
            Drain();
        }

        // Mark everything reachable from the marked objects, then sweep. The world may
        // go on afterwards. Returns the bytes freed.
        public static ulong Finish()
        {
            Drain();
            while (s_overflowed)
            {
                s_overflowed = false;
                for (byte* block = RuntimeHeap.Start; block < RuntimeHeap.Next; block += RuntimeHeap.SizeOf(block))
                {
                    if (RuntimeHeap.KindOf(block) == RuntimeHeap.KindObject && RuntimeHeap.IsMarked(block))
                    {
                        ScanObject(block);
                        Drain();
                    }
                }
            }
            LastRootWords = s_rootWords;
            LastFreedBytes = RuntimeHeap.Sweep();
            return LastFreedBytes;
        }

        private static void MarkBlock(byte* block)
        {
            if (block == null || RuntimeHeap.IsMarked(block))
                return;
            RuntimeHeap.SetMark(block);
            if (s_markCount < MarkStackEntries)
                s_markStack[s_markCount++] = block;
            else
                s_overflowed = true; // marked but not scanned: Finish walks the heap for it
        }

        private static void Drain()
        {
            while (s_markCount > 0)
                ScanObject(s_markStack[--s_markCount]);
        }

        // A reference field: null, an object outside the heap (a frozen string in the
        // image), or an object in the heap, whose block starts 8 bytes before it.
        private static void MarkReference(ulong value)
        {
            if (value < (ulong)RuntimeHeap.Start || value >= (ulong)RuntimeHeap.Next)
                return;
            byte* block = (byte*)(value - 8);
            if (!RuntimeHeap.IsObjectStart(block))
            {
                DanglingReferences++;
                LastDanglingReference = value;
                return;
            }
            MarkBlock(block);
        }

        // Mark what an object refers to, by its type's GC descriptor. The descriptor
        // grows down from the MethodTable: the series count, then per series its
        // offset and its length (stored minus the object's size, so one descriptor
        // fits every length of an array). A negative count describes an array of
        // structs: a start offset, then per series a run of references and the bytes
        // to skip to the next run, repeated for every element.
        private static void ScanObject(byte* block)
        {
            byte* obj = block + 8;
            MethodTable* type = *(MethodTable**)obj;
            if ((type->_uFlags & HasPointersFlag) == 0)
                return;
            ulong length = type->HasComponentSize ? (ulong)*(uint*)(obj + 8) : 0;
            ulong size = type->BaseSize + length * type->ComponentSize;
            long* descriptor = (long*)type;
            long series = descriptor[-1];
            if (series > 0)
            {
                for (long i = 0; i < series; i++)
                {
                    long offset = descriptor[-2 - 2 * i];
                    long bytes = descriptor[-3 - 2 * i] + (long)size;
                    ulong* field = (ulong*)(obj + offset);
                    for (long done = 0; done < bytes; done += 8)
                        MarkReference(*field++);
                }
                return;
            }
            byte* cursor = obj + descriptor[-2];
            for (ulong element = 0; element < length; element++)
            {
                for (long i = 0; i < -series; i++)
                {
                    uint* run = (uint*)(descriptor - 3 - i);
                    ulong* field = (ulong*)cursor;
                    for (uint n = 0; n < run[0]; n++)
                        MarkReference(*field++);
                    cursor = (byte*)field + run[1];
                }
            }
        }
    }
}
