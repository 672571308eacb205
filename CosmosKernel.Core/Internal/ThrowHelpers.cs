using System;
using System.Runtime;

namespace Internal.Runtime.CompilerHelpers
{
    // Called by code ILC generates (bounds checks, null checks, overflow checks, ...).
    // Each throws the matching exception, which RhpThrowEx reports by name.
    internal static class ThrowHelpers
    {
        public static void ThrowIndexOutOfRangeException() => throw new IndexOutOfRangeException();
        public static void ThrowNullReferenceException() => throw new NullReferenceException();
        public static void ThrowOverflowException() => throw new OverflowException();
        public static void ThrowDivideByZeroException() => throw new DivideByZeroException();
        public static void ThrowArrayTypeMismatchException() => throw new ArrayTypeMismatchException();
        public static void ThrowPlatformNotSupportedException() => throw new PlatformNotSupportedException();
        public static void ThrowNotImplementedException() => throw new NotImplementedException();
        public static void ThrowNotSupportedException() => throw new NotSupportedException("not supported by the CosmosKernel runtime");
        public static void ThrowArgumentException() => throw new ArgumentException();
        public static void ThrowArgumentOutOfRangeException() => throw new ArgumentOutOfRangeException();
        public static void ThrowInvalidCastException() => throw new InvalidCastException();
        public static void ThrowFeatureBodyRemoved() => throw new NotSupportedException("feature body removed by ILC");
        public static void ThrowInvalidProgramException(Internal.TypeSystem.ExceptionStringID id) => RuntimePanic.Fail("invalid program (ILC could not compile a method)");
        public static void ThrowInvalidProgramExceptionWithArgument(Internal.TypeSystem.ExceptionStringID id, string methodName) => RuntimePanic.Fail("invalid program: " + methodName);
        public static void ThrowMarshalDirectiveException(Internal.TypeSystem.ExceptionStringID id) => RuntimePanic.Fail("marshal directive");
        public static void ThrowTypeLoadException(Internal.TypeSystem.ExceptionStringID id, string className, string typeName) => RuntimePanic.Fail("type load: " + typeName);
        public static void ThrowTypeLoadExceptionWithArgument(Internal.TypeSystem.ExceptionStringID id, string className, string typeName, string messageArg) => RuntimePanic.Fail("type load: " + typeName);
        public static void ThrowMissingMethodException(Internal.TypeSystem.ExceptionStringID id, string methodName) => RuntimePanic.Fail("missing method: " + methodName);
        public static void ThrowMissingFieldException(Internal.TypeSystem.ExceptionStringID id, string fieldName) => RuntimePanic.Fail("missing field: " + fieldName);
        public static void ThrowFileNotFoundException(Internal.TypeSystem.ExceptionStringID id, string fileName) => RuntimePanic.Fail("file not found: " + fileName);
        public static void ThrowBadImageFormatException(Internal.TypeSystem.ExceptionStringID id) => RuntimePanic.Fail("bad image format");
        public static void ThrowAmbiguousMatchException(Internal.TypeSystem.ExceptionStringID id) => RuntimePanic.Fail("ambiguous match");
    }
}

namespace Internal.TypeSystem
{
    // ILC refers to this enum in the helpers above; the values are ILC's contract.
    public enum ExceptionStringID
    {
        ClassLoadGeneral,
        ClassLoadExplicitGeneric,
        ClassLoadBadFormat,
        ClassLoadExplicitLayout,
        ClassLoadValueClassTooLarge,
        ClassLoadRankTooLarge,
        ClassLoadInlineArrayFieldCount,
        ClassLoadInlineArrayLength,
        ClassLoadInlineArrayExplicit,
        MissingMethod,
        MissingField,
        InvalidProgramDefault,
        InvalidProgramSpecific,
        InvalidProgramVararg,
        InvalidProgramCallVirtFinalize,
        InvalidProgramUnmanagedCallersOnly,
        InvalidProgramCallAbstractMethod,
        InvalidProgramCallVirtStatic,
        InvalidProgramNonStaticMethod,
        InvalidProgramGenericMethod,
        InvalidProgramNonBlittableTypes,
        InvalidProgramMultipleCallConv,
        BadImageFormatGeneric,
        FileLoadErrorGeneric,
        MarshalDirectiveGeneric,
        AmbiguousMatchUnsafeAccessor,
    }
}
