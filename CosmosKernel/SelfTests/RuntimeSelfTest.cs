using System;
using Cosmos.HAL;

namespace CosmosKernel.SelfTests
{
    // Exercises the C# features docs/runtime.md promises, on the real runtime:
    // virtual and interface dispatch (with enough implementations that ILC cannot
    // devirtualize), casts, generics over value types, static constructors, arrays,
    // strings and number formatting, pointers and function pointers, the heap
    // (its collector has a suite of its own, GarbageCollectorSelfTest).
    public static unsafe class RuntimeSelfTest
    {
        private interface IShape { int Area(); string Name { get; } }
        private sealed class Square : IShape { public int Side; public int Area() => Side * Side; public string Name => "square"; }
        private sealed class Rect : IShape { public int W, H; public int Area() => W * H; public string Name => "rect"; }
        private sealed class Tri : IShape { public int B, H; public int Area() => B * H / 2; public string Name => "tri"; }
        private sealed class Empty : IShape { public int Area() => 0; public string Name => "empty"; }
        private sealed class Unit : IShape { public int Area() => 1; public string Name => "unit"; }
        private struct Point : IShape { public int X, Y; public int Area() => X * Y; public string Name => "point"; }

        private abstract class Animal { public abstract string Sound(); public virtual int Legs => 4; }
        private class Dog : Animal { public override string Sound() => "woof"; }
        private sealed class Bird : Animal { public override string Sound() => "tweet"; public override int Legs => 2; }
        private sealed class Puppy : Dog { public override string Sound() => "yip"; }

        private struct Pair<T> where T : struct { public T First, Second; }

        private sealed class Stack<T>
        {
            private T[] _items = new T[2];
            private int _count;
            public int Count => _count;
            public void Push(T item)
            {
                if (_count == _items.Length)
                {
                    var bigger = new T[_items.Length * 2];
                    for (int i = 0; i < _count; i++)
                        bigger[i] = _items[i];
                    _items = bigger;
                }
                _items[_count++] = item;
            }
            public T Pop() => _items[--_count];
        }

        private static class Lazy
        {
            // A static constructor that ILC cannot run at compile time (it reads the TSC).
            public static readonly ulong StampAtInit;
            public static int Runs;
            static Lazy()
            {
                StampAtInit = Native.ReadTimestampCounter() | 1;
                Runs++;
            }
        }

        private static readonly int[] s_primes = { 2, 3, 5, 7, 11 };
        private static string s_greeting = "hello";
        private static byte[] s_escaped;

        private static int Twice(int x) => x * 2;

        public static bool Run()
        {
            var t = new SelfTestRunner("runtime");

            IShape[] shapes = { new Square { Side = 3 }, new Rect { W = 2, H = 5 }, new Tri { B = 4, H = 3 }, new Empty(), new Unit(), new Point { X = 2, Y = 7 } };
            int total = 0;
            string names = "";
            for (int i = 0; i < shapes.Length; i++)
            {
                total += shapes[i].Area();
                names = names + shapes[i].Name + ",";
            }
            t.CheckEqual(9 + 10 + 6 + 0 + 1 + 14, total, "interface dispatch over 6 implementations");
            t.CheckEqual("square,rect,tri,empty,unit,point,", names, "interface property dispatch");

            Animal[] animals = { new Dog(), new Bird(), new Puppy() };
            t.CheckEqual("woof/2/yip", animals[0].Sound() + "/" + animals[1].Legs.ToString() + "/" + animals[2].Sound(), "virtual methods");

            object o = animals[2];
            t.Check(o is Dog, "is base class");
            t.Check(o is Puppy, "is exact class");
            t.Check(!(o is Bird), "is unrelated class");
            t.Check(shapes[0] is IShape, "is interface");
            t.Check((o as IShape) == null, "as interface not implemented");
            t.Check(shapes[2] as Tri != null, "as class");

            var pair = new Pair<long> { First = 1L << 40, Second = -5 };
            t.CheckEqual((1L << 40) - 5, pair.First + pair.Second, "generic struct over long");
            var stack = new Stack<int>();
            for (int i = 0; i < 100; i++)
                stack.Push(i * i);
            t.CheckEqual(100, stack.Count, "generic class over int grows");
            t.CheckEqual(99 * 99, stack.Pop(), "generic class over int pops");
            var points = new Stack<Point>();
            points.Push(new Point { X = 3, Y = 4 });
            t.CheckEqual(12, points.Pop().Area(), "generic class over a struct");

            t.Check(Lazy.StampAtInit != 0, "static constructor ran");
            ulong first = Lazy.StampAtInit;
            t.Check(Lazy.StampAtInit == first && Lazy.Runs == 1, "static constructor ran once");
            t.CheckEqual(28, s_primes[0] + s_primes[1] + s_primes[2] + s_primes[3] + s_primes[4], "static array initializer");
            t.CheckEqual("hello world", s_greeting + " world", "static string field and concat");

            t.CheckEqual("-1234567890", (-1234567890).ToString(), "decimal formatting");
            t.CheckEqual("18446744073709551615", ulong.MaxValue.ToString(), "ulong formatting");
            t.CheckEqual("DEADBEEF", 0xDEADBEEFu.ToString("X"), "hex formatting");
            t.CheckEqual("00000000cafe", 0xCAFEUL.ToString("x12"), "padded lowercase hex");
            t.CheckEqual("a1b", "a" + 1.ToString() + "b", "string building");
            t.Check("abc" == "ab" + "c", "string equality by value");
            t.CheckEqual(5, "hello".Length, "string literal length");

            byte[] bytes = new byte[300];
            for (int i = 0; i < bytes.Length; i++)
                bytes[i] = (byte)i;
            int sum = 0;
            fixed (byte* p = bytes)
                for (int i = 0; i < 300; i++)
                    sum += p[i];
            t.CheckEqual(255 * 256 / 2 + 43 * 44 / 2, sum, "arrays through pointers");
            long[] big = new long[4];
            t.Check(big[0] == 0 && big[3] == 0, "new arrays are zeroed");
            var grid = new string[3];
            grid[1] = "mid";
            t.Check(grid[0] == null && grid[1] == "mid", "array of references");

            long counter = 5;
            long seen = System.Threading.Interlocked.CompareExchange(ref counter, 9, 5);
            t.Check(seen == 5 && counter == 9, "Interlocked.CompareExchange swaps");
            t.Check(System.Threading.Interlocked.CompareExchange(ref counter, 1, 5) == 9 && counter == 9, "Interlocked.CompareExchange keeps on mismatch");
            t.CheckEqual(10, System.Threading.Interlocked.Increment(ref counter), "Interlocked.Increment");

            delegate*<int, int> twice = &Twice;
            t.CheckEqual(42, twice(21), "function pointer call");

            Span<int> span = stackalloc int[4];
            span[2] = 7;
            t.CheckEqual(7, span[2], "span over stackalloc");

            ulong before = Internal.Runtime.RuntimeHeap.BytesAllocated;
            s_escaped = new byte[64]; // stored in a static: the JIT may put a non-escaping array on the stack
            t.Check(Internal.Runtime.RuntimeHeap.BytesAllocated > before && s_escaped.Length == 64, "heap counts allocations");

            t.Check(Internal.Runtime.RuntimeHeap.TryNewByteArray(int.MaxValue) == null, "a fallible array bigger than the heap: null, not a panic");
            byte[] fits = Internal.Runtime.RuntimeHeap.TryNewByteArray(100);
            t.Check(fits != null && fits.Length == 100 && fits[0] == 0 && fits[99] == 0, "a fallible array that fits: zeroed, its length");

            t.PrintSummary();
            return t.AllPassed;
        }
    }
}
