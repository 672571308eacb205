using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System.Runtime
{
    // Casting helpers ILC calls for `is`, `as`, casts and stores into arrays of
    // references. Type identity is MethodTable identity (one MethodTable per type in a
    // single-module NativeAOT image). Variance of generic interfaces is not supported.
    internal static unsafe class TypeCast
    {
        public static object IsInstanceOfClass(MethodTable* targetType, object obj)
        {
            if (obj == null)
                return null;
            for (MethodTable* type = obj.m_pMethodTable; type != null; type = type->BaseType)
                if (type == targetType)
                    return obj;
            return null;
        }

        public static object IsInstanceOfInterface(MethodTable* targetType, object obj)
        {
            if (obj == null)
                return null;
            return ImplementsInterface(obj.m_pMethodTable, targetType) ? obj : null;
        }

        public static object IsInstanceOfAny(MethodTable* targetType, object obj)
        {
            if (obj == null)
                return null;
            return IsAssignable(obj.m_pMethodTable, targetType) ? obj : null;
        }

        public static bool IsInstanceOfException(MethodTable* targetType, object obj)
            => IsInstanceOfClass(targetType, obj) != null;

        public static object CheckCastClass(MethodTable* targetType, object obj)
        {
            if (obj == null || IsInstanceOfClass(targetType, obj) != null)
                return obj;
            return FailCast();
        }

        public static object CheckCastClassSpecial(MethodTable* targetType, object obj) => CheckCastClass(targetType, obj);

        public static object CheckCastInterface(MethodTable* targetType, object obj)
        {
            if (obj == null || ImplementsInterface(obj.m_pMethodTable, targetType))
                return obj;
            return FailCast();
        }

        public static object CheckCastAny(MethodTable* targetType, object obj)
        {
            if (obj == null || IsAssignable(obj.m_pMethodTable, targetType))
                return obj;
            return FailCast();
        }

        public static void StelemRef(object[] array, nint index, object obj)
        {
            if ((nuint)index >= (nuint)array.Length)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
            if (obj != null && !IsAssignable(obj.m_pMethodTable, array.m_pMethodTable->RelatedParameterType))
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArrayTypeMismatchException();
            fixed (object* elements = array)
                elements[index] = obj;
        }

        public static ref object LdelemaRef(object[] array, nint index, MethodTable* elementType)
        {
            if ((nuint)index >= (nuint)array.Length)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
            if (array.m_pMethodTable->RelatedParameterType != elementType)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArrayTypeMismatchException();
            return ref array[index];
        }

        private static object FailCast()
        {
            Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowInvalidCastException();
            return null;
        }

        private static bool ImplementsInterface(MethodTable* type, MethodTable* interfaceType)
        {
            if (type == interfaceType)
                return true;
            MethodTable** map = type->InterfaceMap;
            for (int i = 0; i < type->NumInterfaces; i++)
                if (map[i] == interfaceType)
                    return true;
            return false;
        }

        internal static bool IsAssignable(MethodTable* source, MethodTable* target)
        {
            if (source == target)
                return true;
            if (target->IsInterface)
                return ImplementsInterface(source, target);
            if (source->IsArray && target->IsArray)
            {
                // Array covariance for arrays of references.
                MethodTable* sourceElement = source->RelatedParameterType;
                MethodTable* targetElement = target->RelatedParameterType;
                return !sourceElement->IsValueType && !targetElement->IsValueType && IsAssignable(sourceElement, targetElement);
            }
            for (MethodTable* type = source->BaseType; type != null; type = type->BaseType)
                if (type == target)
                    return true;
            return false;
        }
    }
}
