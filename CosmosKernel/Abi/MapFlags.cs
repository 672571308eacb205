namespace CosmosKernel.Abi
{
    // mmap flags (Linux values).
    public static class MapFlags
    {
        public const int Shared = 0x01;
        public const int Private = 0x02;
        public const int SharedValidate = 0x03;
        public const int TypeMask = 0x03;
        public const int Fixed = 0x10;
        public const int Anonymous = 0x20;
        public const int FixedNoReplace = 0x100000;
        public const int Known = TypeMask | Fixed | Anonymous | FixedNoReplace;
    }
}
