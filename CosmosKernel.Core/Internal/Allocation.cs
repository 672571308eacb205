using System;
using System.Runtime;

namespace Internal.Runtime
{
    // The allocation and write-barrier helpers ILC's generated code calls by name.
    // There is no garbage collector, so write barriers are plain stores.
    internal static unsafe class AllocationHelpers
    {
        [RuntimeExport("RhpNewFast")]
        private static object RhpNewFast(MethodTable* type) => RuntimeHeap.AllocateObject(type);

        [RuntimeExport("RhpNewFinalizable")]
        private static object RhpNewFinalizable(MethodTable* type) => RuntimeHeap.AllocateObject(type);

        [RuntimeExport("RhpNewArray")]
        private static object RhpNewArray(MethodTable* type, int length) => RuntimeHeap.AllocateArray(type, length);

        [RuntimeExport("RhpNewArrayFast")]
        private static object RhpNewArrayFast(MethodTable* type, int length) => RuntimeHeap.AllocateArray(type, length);

        [RuntimeExport("RhpNewPtrArrayFast")]
        private static object RhpNewPtrArrayFast(MethodTable* type, int length) => RuntimeHeap.AllocateArray(type, length);

        [RuntimeExport("RhNewString")]
        private static object RhNewString(MethodTable* type, int length) => RuntimeHeap.AllocateArray(type, length);

        [RuntimeExport("RhpAssignRef")]
        private static void RhpAssignRef(void** destination, void* value) => *destination = value;

        [RuntimeExport("RhpCheckedAssignRef")]
        private static void RhpCheckedAssignRef(void** destination, void* value) => *destination = value;

        [RuntimeExport("RhpThrowEx")]
        private static void RhpThrowEx(Exception exception)
            => RuntimePanic.Fail("unhandled exception: " + exception.Message);

        [RuntimeExport("RhpFallbackFailFast")]
        private static void RhpFallbackFailFast() => RuntimePanic.Fail("fail fast");
    }
}
