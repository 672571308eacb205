using System.Runtime.InteropServices;

namespace CosmosKernel.Abi
{
    // struct iovec, the array readv(2) and writev(2) take: a base and a length per
    // segment. The kernel copies the array in whole through the user-copy layer.
    [StructLayout(LayoutKind.Sequential)]
    public struct Iovec
    {
        // UIO_MAXIOV: more segments than this is EINVAL.
        public const int MaxCount = 1024;

        public ulong Base;
        public ulong Length;
    }
}
