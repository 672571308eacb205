namespace CosmosKernel.Memory
{
    // What a memory access wants.
    public enum Access
    {
        Read,
        Write,
        Execute,
    }
}
