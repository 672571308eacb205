using Cosmos.HAL;
using CosmosKernel.Abi;
using CosmosKernel.Diagnostics;
using CosmosKernel.Memory;
using CosmosKernel.Platform;

namespace CosmosKernel.Processes
{
    // Faults raised by user code go to the program's handler for the matching signal
    // (SignalDelivery), or end the program with that signal and a report; the kernel
    // goes on. Page faults come from Platform/UserPageFaults (which
    // resolves the kernel's own faults in user copies); every other exception from the
    // kernel's plug of Cosmos.HAL.Idt.HandleException (Plugs/InterruptsPlug.cs). Until
    // the Kernel builds this object, any exception is the kernel's, and gets a crash
    // report.
    public sealed unsafe class UserFaults : IUserFaultHandler
    {
        // The one instance, for the interrupt entry, which has no object of its own.
        private static UserFaults s_instance;

        private readonly ProgramRunner _programs;
        private readonly SignalDelivery _signals;

        public UserFaults(ProgramRunner programs, SignalDelivery signals)
        {
            _programs = programs;
            _signals = signals;
            s_instance = this;
            UserPageFaults.AttachProcesses(this);
        }

        internal static void OnException(InterruptFrame* frame)
        {
            if (!frame->FromUserMode || s_instance == null || s_instance._programs.Current == null)
            {
                CrashReport.Report(frame, "unexpected exception in kernel mode");
                CrashReport.Stop();
                return;
            }
            int signal = Arch.InterruptVectors.SignalFor(frame->Vector);
            // The program's handler for it runs, if it has one (si_addr: the faulting
            // instruction, as Linux gives for SIGILL and SIGFPE; 0 for a #GP's SIGSEGV).
            int code = Arch.InterruptVectors.SignalCodeFor(frame->Vector);
            ulong address = signal == Signals.Segv ? 0 : frame->Rip;
            if (s_instance._signals.DeliverFault(frame, signal, code, address))
                return;
            s_instance._programs.Kill(signal, frame, Idt.ExceptionName(frame->Vector) + " (error code 0x" + frame->ErrorCode.ToString("X") + ")");
        }

        // A fault in user code: demand paging and copy-on-write are resolved; a copy-locked
        // page makes the program wait and retry; anything else is SIGSEGV. Runs on every
        // CPU at once, under the VMM's locks only.
        public void OnUserPageFault(InterruptFrame* frame, ulong address)
        {
            Process process = _programs.Current;
            Access access = (frame->ErrorCode & 16) != 0 ? Access.Execute : (frame->ErrorCode & 2) != 0 ? Access.Write : Access.Read;
            FaultResult result = process.Space.HandleFault(address, access, userMode: true);
            if (result == FaultResult.Resolved || result == FaultResult.WaitedForPageLock)
            {
                System.Threading.Interlocked.Increment(ref UserPageFaults.ResolvedFaults);
                return;
            }
            // A file mapping's page past the file's end: SIGBUS, as Linux.
            if (result == FaultResult.BeyondEndOfFile)
            {
                if (_signals.DeliverFault(frame, Signals.Bus, Signals.BusAdrerr, address))
                    return;
                _programs.Kill(Signals.Bus, frame, "SIGBUS: access to 0x" + address.ToString("X") + " past the end of its mapped file");
            }
            // The program's SIGSEGV handler, if it has one; else Kill, which does not return.
            if (result != FaultResult.OutOfMemory
                && _signals.DeliverFault(frame, Signals.Segv, SegvCode(process.Space, address), address))
                return;
            string what = (frame->ErrorCode & 1) != 0 ? "protection violation" : "not mapped";
            string kind = access == Access.Execute ? "execute" : access == Access.Write ? "write" : "read";
            _programs.Kill(Signals.Segv, frame,
                "SIGSEGV: " + kind + " of 0x" + address.ToString("X") + " (" + (result == FaultResult.OutOfMemory ? "out of memory" : what) + ")");
        }

        // SIGSEGV's si_code as Linux gives it: SEGV_ACCERR where a mapping is but
        // forbids the access (present or not yet faulted in), SEGV_MAPERR where none is.
        private static int SegvCode(AddressSpace space, ulong address)
        {
            space.MmLock.LockRead();
            bool mapped = space.FindRegionLocked(address) != null;
            space.MmLock.UnlockRead();
            return mapped ? Signals.SegvAccerr : Signals.SegvMaperr;
        }

        public bool RunsProcess => _programs.Current != null;

        public void KillForOops(InterruptFrame* frame) => _programs.Kill(Signals.Kill, frame, "killed by a kernel oops in its syscall");
    }
}
