using System;
using System.Runtime;

namespace Internal.Runtime
{
    // The heap behind `new`, in the kernel and in user programs alike. There is no
    // garbage collector: objects live until freed explicitly (Free, for the few
    // long-running paths that churn) or forever. The heap starts on an arena reserved
    // in the image's BSS (RuntimeImports.HeapArena) and can be given more memory later
    // (AddRegion).
    //
    // Allocation is a bump pointer inside the current region, plus a free list per
    // size class for explicitly freed blocks. Each block starts with an 8-byte header
    // holding its size, so Free knows how much it returns.
    //
    // Lock: s_lock, a spin lock that yields while contended, guards the arena pointers,
    // the free lists and the counters: user programs' threads are preempted at any
    // instruction. It is a leaf: nothing else is locked while it is held. (In the kernel
    // all code that allocates runs under the kernel lock, with interrupts off, so it
    // never finds it contended.)
    public static unsafe class RuntimeHeap
    {
        private const int HeaderSize = 8;
        private const int SizeClasses = 64; // free lists for blocks of 16 .. 1024 bytes

        private static byte* s_next;
        private static byte* s_end;
        private static ulong s_bytesAllocated;
        private static ulong s_bytesFreed;
        private static ulong s_capacity;
        private static bool s_initialized;
        private static void** s_freeLists; // [SizeClasses]
        private static int s_lock;
        private static void* s_largeBlocks; // freed blocks above the size classes

        // The first freed large block of at least `total` bytes, unlinked, or null.
        private static byte* TakeLargeBlock(ulong total)
        {
            fixed (void** head = &s_largeBlocks) // a static: it never moves
            {
                void** link = head;
                while (*link != null)
                {
                    byte* block = (byte*)*link;
                    if (*(ulong*)block >= total)
                    {
                        *link = ((void**)block)[1];
                        return block;
                    }
                    link = &((void**)block)[1];
                }
            }
            return null;
        }

        private static void Lock()
        {
            while (System.Threading.Interlocked.CompareExchange(ref s_lock, 1, 0) != 0)
                RuntimeImports.Yield();
        }

        private static void Unlock() => System.Threading.Volatile.Write(ref s_lock, 0);

        public static ulong BytesAllocated => s_bytesAllocated;
        public static ulong BytesFreed => s_bytesFreed;
        public static ulong Capacity => s_capacity;
        // Bytes of the current arena never handed out yet.
        public static ulong UnusedArenaBytes => (ulong)(s_end - s_next);

        private static void EnsureInitialized()
        {
            if (s_initialized)
                return;
            s_initialized = true;
            AddRegion(RuntimeImports.HeapArena(), RuntimeImports.HeapArenaSize());
            s_freeLists = (void**)AllocateRawLocked((ulong)(SizeClasses * sizeof(void*)));
        }

        // Switch allocation to a new region (the old region's tail is abandoned).
        public static void AddRegion(byte* start, ulong size)
        {
            s_next = start;
            s_end = start + size;
            s_capacity += size;
        }

        // Zeroed memory for runtime-internal tables; never freed.
        public static byte* AllocateRaw(ulong size)
        {
            Lock();
            byte* block = AllocateRawLocked(size);
            Unlock();
            return block;
        }

        private static byte* AllocateRawLocked(ulong size)
        {
            EnsureInitialized();
            size = (size + 15) & ~15UL;
            if (s_next + size > s_end || s_next + size < s_next)
                RuntimePanic.Fail("kernel heap exhausted");
            byte* block = s_next;
            s_next += size;
            System.Buffer.ZeroMemory(block, (nuint)size);
            return block;
        }

        private static byte* AllocateBlock(ulong payload)
        {
            Lock();
            byte* block = AllocateBlockLocked(payload);
            Unlock();
            return block;
        }

        private static byte* AllocateBlockLocked(ulong payload)
        {
            EnsureInitialized();
            ulong total = (payload + HeaderSize + 15) & ~15UL;
            ulong sizeClass = total / 16 - 1;
            byte* block;
            if (sizeClass < SizeClasses && s_freeLists[sizeClass] != null)
            {
                block = (byte*)s_freeLists[sizeClass];
                s_freeLists[sizeClass] = *(void**)block;
                System.Buffer.ZeroMemory(block, (nuint)total);
            }
            else if (sizeClass >= SizeClasses && (block = TakeLargeBlock(total)) != null)
            {
                total = *(ulong*)block; // a reused large block keeps its own size
                System.Buffer.ZeroMemory(block, (nuint)total);
            }
            else
            {
                block = AllocateRawLocked(total);
            }
            *(ulong*)block = total;
            s_bytesAllocated += total;
            return block + HeaderSize;
        }

        public static object AllocateObject(MethodTable* type)
        {
            byte* memory = AllocateBlock(type->BaseSize);
            *(MethodTable**)memory = type;
            return System.Runtime.CompilerServices.Unsafe.AsRef<object>(&memory);
        }

        public static object AllocateArray(MethodTable* type, int length)
        {
            if (length < 0)
                CompilerHelpers.ThrowHelpers.ThrowOverflowException();
            ulong size = type->BaseSize + (ulong)type->ComponentSize * (ulong)length;
            byte* memory = AllocateBlock(size);
            *(MethodTable**)memory = type;
            *(int*)(memory + sizeof(void*)) = length;
            return System.Runtime.CompilerServices.Unsafe.AsRef<object>(&memory);
        }

        // Return an object's memory. The caller guarantees no reference to it remains.
        public static void Free(object o)
        {
            if (o == null)
                return;
            // The local `o` holds the object's address; read it through a pointer to the local.
            byte* block = *(byte**)System.Runtime.CompilerServices.Unsafe.AsPointer(ref o) - HeaderSize;
            ulong total = *(ulong*)block;
            Lock();
            s_bytesFreed += total;
            ulong sizeClass = total / 16 - 1;
            if (sizeClass < SizeClasses)
            {
                *(void**)block = s_freeLists[sizeClass];
                s_freeLists[sizeClass] = block;
            }
            else
            {
                // Large blocks: one list, reused first fit (whole, not split). The size
                // stays in the header word; the link goes in the next one.
                ((void**)block)[1] = s_largeBlocks;
                s_largeBlocks = block;
            }
            Unlock();
        }
    }
}
