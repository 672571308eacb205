namespace CosmosKernel.Threading
{
    // A broken invariant in shared code (a lock released by a thread that does not
    // own it, a full wait queue). Each home installs how to report it: the kernel
    // panics, the tests throw. Without a handler it throws, which the kernel's runtime
    // also turns into a panic.
    public static unsafe class KernelAssert
    {
        private static delegate*<string, void> s_handler;

        public static void SetHandler(delegate*<string, void> handler) => s_handler = handler;

        public static void Fail(string message)
        {
            if (s_handler != null)
                s_handler(message);
            throw new System.InvalidOperationException(message);
        }
    }
}
