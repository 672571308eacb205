namespace CosmosKernel.Threading
{
    // The kernel's backend until the SMP issue brings threads and a scheduler: one
    // thread (id 0). An uncontended FifoMutex never parks; a Park that no Unpark
    // preceded would sleep forever, so it fails loudly instead of hanging.
    public sealed class KernelThreadBackend : IThreadBackend
    {
        private bool _permit;

        public int CurrentThreadId => 0;

        public void Park()
        {
            if (_permit)
            {
                _permit = false;
                return;
            }
            KernelAssert.Fail("would block forever: no scheduler yet (FifoMutex contended with one thread)");
        }

        public void Unpark(int threadId) => _permit = true;

        public void Yield() { }
    }
}
