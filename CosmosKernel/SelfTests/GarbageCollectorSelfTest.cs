using System;
using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace CosmosKernel.SelfTests
{
    // The garbage collector on the real heap, stacks and CPUs: what is reachable
    // survives a collection intact, whatever holds it (a local, a static field, an
    // array of references, an array of structs with references, only a pointer into
    // the middle of it); what is not is freed and its memory reused; nothing freed is
    // written afterwards (the heap's poison stays whole).
    public static unsafe class GarbageCollectorSelfTest
    {
        private sealed class Node
        {
            public Node Next;
            public long Value;
            public string Label;
        }

        private struct Slot
        {
            public int Number;
            public Node Node;
            public long Stamp;
        }

        private static Node s_staticOnly;
        private const ulong AddressMask = 0x5A5A5A5A5A5A5A5A; // an address kept as data, so it keeps nothing alive

        public static bool Run()
        {
            var t = new SelfTestRunner("gc");

            Node chain = MakeChain(200);
            s_staticOnly = new Node { Value = 77, Label = "static" };
            // (Made by calls the JIT cannot see through: an object that does not escape
            // may live on the stack, where a collection never looks for it.)
            Node[] references = NewNodes(8);
            references[5] = NewNode(55, "array");
            Slot[] slots = NewSlots(4);
            slots[3] = new Slot { Number = 3, Node = NewNode(33, "struct"), Stamp = -1 };
            Span<byte> interior = new Span<byte>(NewBytes(256)).Slice(128, 64); // only an interior pointer holds the array
            interior[10] = 0xAB;
            ulong garbageAddress = MakeGarbageAndRemember() ^ AddressMask;

            ulong collections = RuntimeHeap.Collections;
            ulong freedBefore = RuntimeHeap.BytesFreed;
            RuntimeHeap.Collect();
            t.CheckEqual((long)collections + 1, (long)RuntimeHeap.Collections, "a collection ran");
            t.Check(RuntimeHeap.BytesFreed - freedBefore >= 1000 * 48, "unreachable objects were freed (" + (RuntimeHeap.BytesFreed - freedBefore).ToString() + " bytes)");
            t.Check(!RuntimeHeap.IsLiveObject(garbageAddress ^ AddressMask), "an object nothing refers to is gone");

            // Reuse the freed memory, then look at what must have survived.
            for (int i = 0; i < 2000; i++)
                NewNode(-i, "churn");
            t.Check(ChainIsIntact(chain, 200), "a list reachable from a local survives whole");
            t.Check(s_staticOnly.Value == 77 && s_staticOnly.Label == "static", "an object held by a static field survives");
            t.Check(references[5].Value == 55 && references[5].Label == "array", "an object held by an array of references survives");
            t.Check(slots[3].Node.Value == 33 && slots[3].Node.Label == "struct" && slots[3].Stamp == -1, "an object held by an array of structs survives");
            t.Check(interior[10] == 0xAB && interior.Length == 64, "an array held only by a pointer into it survives");

            // The last block the heap handed out, which nothing refers to: the heap's own
            // bump pointer points just past it, and is no reference (it kept a dead
            // pipe's buffer alive until the heap grew again: the fuzzer saw it).
            ulong lastAddress = MakeLastBlockAndRemember() ^ AddressMask;
            RuntimeHeap.Collect();
            t.Check(!RuntimeHeap.IsLiveObject(lastAddress ^ AddressMask), "the last block handed out, referred to by nothing, is gone");

            RuntimeHeap.Collect();
            t.CheckEqual(0, (long)RuntimeHeap.PoisonViolations, "no write into a freed block");
            t.CheckEqual(0, (long)GarbageCollector.DanglingReferences, "no reference to a freed block");
            t.PrintSummary();
            return t.AllPassed;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Node MakeChain(int length)
        {
            Node head = null;
            for (int i = length - 1; i >= 0; i--)
                head = new Node { Next = head, Value = i * 3, Label = i.ToString() };
            return head;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Node NewNode(long value, string label) => new Node { Value = value, Label = label };

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Node[] NewNodes(int count) => new Node[count];

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Slot[] NewSlots(int count) => new Slot[count];

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static byte[] NewBytes(int count) => new byte[count];

        private static bool ChainIsIntact(Node head, int length)
        {
            int i = 0;
            for (Node node = head; node != null; node = node.Next, i++)
                if (node.Value != i * 3 || node.Label != i.ToString())
                    return false;
            return i == length;
        }

        // An unreachable array too big for any free block at boot, so the heap hands out
        // fresh memory at its top; returns its address, as a number.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong MakeLastBlockAndRemember()
        {
            byte[] last = NewBytes(256 * 1024);
            return *(ulong*)Unsafe.AsPointer(ref last);
        }

        // 1000 unreachable nodes (48 bytes each); returns the address of one, as a number.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static ulong MakeGarbageAndRemember()
        {
            ulong address = 0;
            for (int i = 0; i < 1000; i++)
            {
                Node node = NewNode(i, "garbage");
                if (i == 500)
                    address = *(ulong*)Unsafe.AsPointer(ref node); // the object's address, not the local's
            }
            return address;
        }
    }
}
