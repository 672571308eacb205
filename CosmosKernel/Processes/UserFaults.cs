using Cosmos.HAL;
using CosmosKernel.Diagnostics;

namespace CosmosKernel.Processes
{
    // CPU exceptions raised by user code end that program with the matching signal and
    // a report; the kernel goes on. Exceptions in kernel mode still get a crash report.
    // Runs for every exception but page faults (the kernel's plug of
    // Cosmos.HAL.Idt.HandleException, Plugs/InterruptsPlug.cs).
    public static unsafe class UserFaults
    {
        internal static void OnException(InterruptFrame* frame)
        {
            if (!frame->FromUserMode || ProgramRunner.Current == null)
            {
                CrashReport.Report(frame, "unexpected exception in kernel mode");
                CrashReport.Stop();
                return;
            }
            int signal = frame->Vector switch
            {
                0 => ProgramRunner.SignalFpe,   // #DE
                16 => ProgramRunner.SignalFpe,  // #MF
                19 => ProgramRunner.SignalFpe,  // #XM
                6 => ProgramRunner.SignalIll,   // #UD
                17 => ProgramRunner.SignalBus,  // #AC
                _ => ProgramRunner.SignalSegv,  // #GP, #SS, #NP, #BP...
            };
            ProgramRunner.Kill(signal, frame, Idt.ExceptionName(frame->Vector) + " (error code 0x" + frame->ErrorCode.ToString("X") + ")");
        }
    }
}
