namespace CosmosKernel.Abi
{
    // What uname(2) reports, field by field (struct utsname: six fields of 65 bytes).
    public static class Uname
    {
        public const int FieldBytes = 65;
        public const string SystemName = "CosmosKernel";
        public const string NodeName = "cosmos";
        public const string Release = "0.1.0";       // the kernel's version (Kernel.Version)
        public const string Version = "#1 NativeAOT C#";
        public const string Machine = "x86_64";
        public const string DomainName = "(none)";
    }
}
