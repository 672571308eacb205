namespace CosmosKernel.Abi
{
    // getrandom(2) flags (include/uapi/linux/random.h).
    public static class RandomFlags
    {
        public const ulong NonBlock = 1;
        public const ulong Random = 2;
        public const ulong Insecure = 4;
        public const ulong Known = NonBlock | Random | Insecure;
    }
}
