namespace Cosmos.System
{
    // The Cosmos programming model: derive from Kernel, set things up in BeforeRun,
    // and Run is called over and over until Stop.
    public abstract class Kernel
    {
        private bool _running;

        protected abstract void BeforeRun();
        protected abstract void Run();
        protected virtual void AfterRun() { }

        public void Start()
        {
            _running = true;
            BeforeRun();
            while (_running)
                Run();
            AfterRun();
        }

        public void Stop() => _running = false;
    }
}
