using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System.Runtime
{
    // Boxing and unboxing helpers ILC calls by name.
    internal static unsafe class RuntimeExports
    {
        // Size of a boxed value: the object minus its header word and MethodTable pointer.
        private static nuint ValueSize(MethodTable* type) => type->BaseSize - (nuint)(2 * sizeof(void*));

        [RuntimeExport("RhBox")]
        public static object RhBox(MethodTable* type, ref byte data)
        {
            object box = RuntimeHeap.AllocateObject(type);
            Buffer.Memmove(ref RawData(box), ref data, ValueSize(type));
            return box;
        }

        [RuntimeExport("RhBoxAny")]
        public static object RhBoxAny(ref byte data, MethodTable* type)
        {
            if (!type->IsValueType)
                return Unsafe.As<byte, object>(ref data);
            return RhBox(type, ref data);
        }

        [RuntimeExport("RhUnbox2")]
        public static ref byte RhUnbox2(MethodTable* type, object obj)
        {
            if (obj == null)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowNullReferenceException();
            if (obj.m_pMethodTable != type)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowInvalidCastException();
            return ref RawData(obj);
        }

        [RuntimeExport("RhUnboxAny")]
        public static void RhUnboxAny(object obj, ref byte data, MethodTable* type)
        {
            if (!type->IsValueType)
            {
                Unsafe.As<byte, object>(ref data) = obj;
                return;
            }
            Buffer.Memmove(ref data, ref RhUnbox2(type, obj), ValueSize(type));
        }

        [RuntimeExport("RhUnboxNullable")]
        public static void RhUnboxNullable(ref byte data, MethodTable* type, object obj)
            => RuntimePanic.Fail("RhUnboxNullable: unboxing to Nullable<T> is not supported");

        [RuntimeExport("RhBoxNullable")]
        public static object RhBoxNullable(MethodTable* type, ref byte data)
        {
            RuntimePanic.Fail("RhBoxNullable: boxing a Nullable<T> is not supported");
            return null;
        }

        // The first byte after the MethodTable pointer.
        private static ref byte RawData(object obj)
        {
            byte* address = *(byte**)Unsafe.AsPointer(ref obj);
            return ref *(address + sizeof(void*));
        }
    }
}
