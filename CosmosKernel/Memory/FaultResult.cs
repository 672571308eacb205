namespace CosmosKernel.Memory
{
    public enum FaultResult
    {
        // The page is now mapped as the access needs: retry the access.
        Resolved,
        // The page is locked by a user copy; the caller waited for the unlock: retry.
        WaitedForPageLock,
        // No region, or the region forbids the access: SIGSEGV for user mode, EFAULT
        // (or a panic, without recovery) for the kernel.
        BadAddress,
        // No frame for the page.
        OutOfMemory,
        // A file mapping's page lies wholly past the end of its file: SIGBUS (BUS_ADRERR)
        // for user mode, EFAULT for the kernel, as Linux.
        BeyondEndOfFile,
    }
}
