using System.Threading;

namespace CosmosKernel.Memory
{
    // The physical frame allocator: hands out 4 KiB frames from the usable RAM the
    // boot loader reported, with a reference count per frame (copy-on-write sharing
    // and pinned user copies add references; the frame is freed when the last goes).
    //
    // Poisoning: a freed frame is filled with PoisonPattern. When it is handed out
    // again every word is checked; a changed word means someone wrote into a freed
    // frame (a stale TLB entry, a copy that outlived an unmap...). That is counted in
    // PoisonViolations, never silently repaired. CheckFreeFrames sweeps all free frames
    // for the same evidence without waiting for them to be reused.
    //
    // Lock: _lock guards the free stack, the per-frame state and reference counts and
    // the counters. It is a leaf: taken inside the address-space and page locks, never
    // held while blocking or while taking another lock. It is held for a few dozen
    // instructions: the page-sized work (poisoning a freed frame, checking the poison
    // of one handed out, zeroing) happens outside it, on a frame that is nobody
    // else's at that moment (StateFreeing: off the free stack, not yet on it), so
    // faults on several CPUs do not queue behind each other's 4 KiB loops.
    public sealed unsafe class FrameAllocator
    {
        public const ulong NoFrame = 0;
        public const ulong PoisonPattern = 0xF4EEF4EEF4EEF4EE; // "freed"

        private const byte StateUnmanaged = 0;  // not RAM we own (reserved, kernel image, MMIO)
        private const byte StateFreshFree = 1;  // free, never handed out: not poisoned yet
        private const byte StateFree = 2;       // free and poisoned
        private const byte StateUsed = 3;
        private const byte StateFreeing = 4;    // its last reference is gone; being poisoned

        private readonly PhysicalMemory _memory;
        private readonly byte[] _state;         // per frame number
        private readonly int[] _references;     // per frame number
        private readonly uint[] _freeStack;     // frame numbers
        private int _freeCount;
        private int _lock;

        public ulong TotalFrames { get; private set; }
        public ulong FreeFrames => (ulong)_freeCount;
        public ulong UsedFrames => TotalFrames - (ulong)_freeCount;
        private long _poisonViolations;         // atomic: checked outside _lock
        public ulong PoisonViolations => (ulong)Volatile.Read(ref _poisonViolations);
        public ulong LastPoisonViolation { get; private set; }  // physical address of the changed word
        public ulong DoubleFrees { get; private set; }
        public ulong LastDoubleFree { get; private set; }

        public PhysicalMemory Memory => _memory;

        // maxPhysical: one past the highest physical address any range may contain.
        public FrameAllocator(PhysicalMemory memory, ulong maxPhysical)
        {
            _memory = memory;
            ulong frames = maxPhysical >> Paging.PageShift;
            _state = new byte[frames];
            _references = new int[frames];
            _freeStack = new uint[frames];
        }

        // Give the allocator a range of usable RAM (trimmed inward to whole frames).
        public void AddFreeRange(ulong start, ulong length)
        {
            ulong first = Paging.PageUp(start) >> Paging.PageShift;
            ulong end = Paging.PageDown(start + length) >> Paging.PageShift;
            if (end > (ulong)_state.Length)
                end = (ulong)_state.Length;
            Acquire();
            for (ulong frame = first; frame < end; frame++)
            {
                if (_state[frame] != StateUnmanaged)
                    continue;
                _state[frame] = StateFreshFree;
                _freeStack[_freeCount++] = (uint)frame;
                TotalFrames++;
            }
            Release();
        }

        // Take back a range (for example the frames under the kernel image) before use.
        public void Reserve(ulong start, ulong length)
        {
            ulong first = Paging.PageDown(start) >> Paging.PageShift;
            ulong end = Paging.PageUp(start + length) >> Paging.PageShift;
            Acquire();
            int kept = 0;
            for (int i = 0; i < _freeCount; i++)
            {
                uint frame = _freeStack[i];
                if (frame >= first && frame < end)
                {
                    _state[frame] = StateUnmanaged;
                    TotalFrames--;
                    continue;
                }
                _freeStack[kept++] = frame;
            }
            _freeCount = kept;
            Release();
        }

        // A frame with one reference, or NoFrame when memory is exhausted.
        public ulong Allocate(bool zero)
        {
            Acquire();
            if (_freeCount == 0)
            {
                Release();
                return NoFrame;
            }
            uint frame = _freeStack[--_freeCount];
            bool poisoned = _state[frame] == StateFree;
            _state[frame] = StateUsed;
            _references[frame] = 1;
            ulong physical = (ulong)frame << Paging.PageShift;
            Release();
            if (poisoned)
                CheckPoison(physical);
            if (zero)
                _memory.Zero(physical, Paging.PageSize);
            return physical;
        }

        public void AddReference(ulong physical)
        {
            ulong frame = physical >> Paging.PageShift;
            Acquire();
            if (frame >= (ulong)_state.Length || _state[frame] != StateUsed)
                RecordDoubleFree(physical); // a reference to a frame nobody owns
            else
                _references[frame]++;
            Release();
        }

        // Drop one reference; the frame is poisoned and freed when none remain.
        // Returns true when this call freed it.
        public bool Free(ulong physical)
        {
            ulong frame = physical >> Paging.PageShift;
            Acquire();
            if (frame >= (ulong)_state.Length || _state[frame] != StateUsed)
            {
                RecordDoubleFree(physical);
                Release();
                return false;
            }
            if (--_references[frame] > 0)
            {
                Release();
                return false;
            }
            _state[frame] = StateFreeing;
            Release();
            ulong* words = (ulong*)_memory.Map(physical);
            for (int i = 0; i < (int)(Paging.PageSize / 8); i++)
                words[i] = PoisonPattern;
            Acquire();
            _state[frame] = StateFree;
            _freeStack[_freeCount++] = (uint)frame;
            Release();
            return true;
        }

        public int ReferenceCount(ulong physical)
        {
            ulong frame = physical >> Paging.PageShift;
            return frame < (ulong)_state.Length && _state[frame] == StateUsed ? _references[frame] : 0;
        }

        public bool IsAllocated(ulong physical)
        {
            ulong frame = physical >> Paging.PageShift;
            return frame < (ulong)_state.Length && _state[frame] == StateUsed;
        }

        // Sweep every free, poisoned frame for writes that happened after it was freed.
        // Returns how many frames were found changed (each also counts as a violation).
        public int CheckFreeFrames()
        {
            int changed = 0;
            Acquire();
            for (int i = 0; i < _freeCount; i++)
            {
                uint frame = _freeStack[i];
                if (_state[frame] == StateFree && !CheckPoison((ulong)frame << Paging.PageShift))
                {
                    changed++;
                    // Re-poison so one stray write is reported once.
                    ulong* words = (ulong*)_memory.Map((ulong)frame << Paging.PageShift);
                    for (int w = 0; w < (int)(Paging.PageSize / 8); w++)
                        words[w] = PoisonPattern;
                }
            }
            Release();
            return changed;
        }

        private bool CheckPoison(ulong physical)
        {
            ulong* words = (ulong*)_memory.Map(physical);
            for (int i = 0; i < (int)(Paging.PageSize / 8); i++)
            {
                if (words[i] != PoisonPattern)
                {
                    Interlocked.Increment(ref _poisonViolations);
                    LastPoisonViolation = physical + (ulong)i * 8;
                    return false;
                }
            }
            return true;
        }

        private void RecordDoubleFree(ulong physical)
        {
            DoubleFrees++;
            LastDoubleFree = physical;
        }

        // A test-and-set spin lock. Leaf lock: no scheduling point inside, so on the
        // simulated machine (which switches threads only at scheduling points) it never
        // spins; in the kernel, holders never block.
        private void Acquire()
        {
            Threading.ILockValidator validator = Threading.LockClasses.Validator;
            if (validator != null)
                validator.Acquiring(s_class, Threading.LockKind.Spin);
            while (Interlocked.CompareExchange(ref _lock, 1, 0) != 0)
            {
            }
            if (validator != null)
                validator.Acquired(s_class, Threading.LockKind.Spin);
        }

        private void Release()
        {
            Threading.ILockValidator validator = Threading.LockClasses.Validator;
            if (validator != null)
                validator.Released(s_class, Threading.LockKind.Spin);
            Volatile.Write(ref _lock, 0);
        }

        private static readonly int s_class = Threading.LockClasses.Register("frame allocator");
    }
}
