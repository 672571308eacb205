namespace System
{
    // The root of every class. Its only field, the MethodTable pointer, is a contract
    // with ILC: every object starts with a pointer to its type's MethodTable.
    public class Object
    {
#pragma warning disable 169, 649
        internal unsafe Internal.Runtime.MethodTable* m_pMethodTable;
#pragma warning restore 169, 649

        public Object() { }
        ~Object() { }

        public virtual bool Equals(object o) => (object)this == o;
        public virtual int GetHashCode() => 0;
        public virtual string ToString() => "{object}";

        // Kept for Cosmos-style diagnostics: the raw type pointer of any object.
        internal unsafe Internal.Runtime.MethodTable* GetMethodTable() => m_pMethodTable;
    }

    public abstract class ValueType
    {
    }

    public abstract class Enum : ValueType
    {
    }

    public struct Void { }

    public struct Nullable<T> where T : struct
    {
#pragma warning disable 169, 649
        private readonly bool hasValue;
        internal T value;
#pragma warning restore 169, 649
        public Nullable(T value) { this.value = value; hasValue = true; }
        public bool HasValue => hasValue;
        public T Value => value;
        public T GetValueOrDefault() => value;
    }

    public struct RuntimeTypeHandle { private IntPtr _value; }
    public struct RuntimeMethodHandle { private IntPtr _value; }
    public struct RuntimeFieldHandle { private IntPtr _value; }

    // Delegates are not supported by this runtime yet (docs/runtime.md): the types exist
    // because ILC and the C# compiler require them. Use function pointers instead.
    public abstract class Delegate
    {
#pragma warning disable 169, 649
        private object _firstParameter;
        private object _helperObject;
        private IntPtr _extraFunctionPointerOrData;
        private IntPtr _functionPointer;
#pragma warning restore 169, 649
    }
    public abstract class MulticastDelegate : Delegate { }

    public interface IDisposable
    {
        void Dispose();
    }

    public interface IEquatable<T>
    {
        bool Equals(T other);
    }

    public interface IComparable<in T>
    {
        int CompareTo(T other);
    }

    public sealed class Type
    {
    }

    internal sealed class RuntimeType
    {
    }
}
