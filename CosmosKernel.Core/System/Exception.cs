namespace System
{
    // Exceptions: `throw` reaches RhpThrowEx, which reports the exception's message and
    // stops the kernel (there is no unwinder yet: catch blocks never run; docs/runtime.md).
    public class Exception
    {
        private readonly string _message;
        public Exception() { }
        public Exception(string message) { _message = message; }
        public virtual string Message => _message ?? "(no message)";
    }

    public class SystemException : Exception
    {
        public SystemException() { }
        public SystemException(string message) : base(message) { }
    }

    public sealed class IndexOutOfRangeException : SystemException
    {
        public IndexOutOfRangeException() : base("Index was outside the bounds of the array.") { }
    }

    public sealed class NullReferenceException : SystemException
    {
        public NullReferenceException() : base("Object reference not set to an instance of an object.") { }
    }

    public class ArgumentException : SystemException
    {
        public ArgumentException() : base("Value does not fall within the expected range.") { }
        public ArgumentException(string message) : base(message) { }
    }

    public sealed class ArgumentOutOfRangeException : ArgumentException
    {
        public ArgumentOutOfRangeException() : base("Specified argument was out of the range of valid values.") { }
        public ArgumentOutOfRangeException(string message) : base(message) { }
    }

    public sealed class ArgumentNullException : ArgumentException
    {
        public ArgumentNullException(string name) : base("Value cannot be null: " + name) { }
    }

    public sealed class InvalidOperationException : SystemException
    {
        public InvalidOperationException(string message) : base(message) { }
    }

    public sealed class OverflowException : SystemException
    {
        public OverflowException() : base("Arithmetic operation resulted in an overflow.") { }
    }

    public sealed class DivideByZeroException : SystemException
    {
        public DivideByZeroException() : base("Attempted to divide by zero.") { }
    }

    public sealed class InvalidCastException : SystemException
    {
        public InvalidCastException() : base("Specified cast is not valid.") { }
    }

    public sealed class NotSupportedException : SystemException
    {
        public NotSupportedException(string message) : base(message) { }
    }

    public sealed class NotImplementedException : SystemException
    {
        public NotImplementedException() : base("The method or operation is not implemented.") { }
    }

    public sealed class PlatformNotSupportedException : SystemException
    {
        public PlatformNotSupportedException() : base("Operation is not supported on this platform.") { }
    }

    public sealed class ArrayTypeMismatchException : SystemException
    {
        public ArrayTypeMismatchException() : base("Attempted to access an element as a type incompatible with the array.") { }
    }

    public sealed class OutOfMemoryException : SystemException
    {
        public OutOfMemoryException() : base("Out of kernel heap.") { }
    }
}
