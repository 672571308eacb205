using Cosmos.HAL;
using CosmosKernel.Scheduling;

namespace CosmosKernel.Files
{
    // Typing on the console: the PS/2 keyboard (IRQ 1) and COM1's receiver (IRQ 4), both
    // through the 8259s to CPU 0, feed one Terminal. The handlers may interrupt kernel
    // code that holds any lock, so they only read the devices and put the bytes in the
    // terminal's lock-free ring; the terminal's own kernel thread runs the line
    // discipline (echo, lines, ^C's signal, waking readers). The thread is woken from
    // a handler that interrupted ring 3, or else from CPU 0's idle loop or next tick
    // from ring 3 (Scheduler.PollDevices), where nothing is held.
    public static unsafe class ConsoleInput
    {
        private const int Com1Irq = 4;
        // Bytes read per interrupt at most (the UART's FIFO holds 16): a device that
        // misbehaves cannot keep CPU 0 in its handler.
        private const int MaxBytesPerInterrupt = 64;
        private static Terminal s_terminal;
        private static Scheduler s_scheduler;
        private static int s_thread = -1;

        public static void Start(Terminal terminal, Scheduler scheduler)
        {
            s_terminal = terminal;
            s_scheduler = scheduler;
            s_thread = scheduler.Spawn(&Run, 0, "terminal");
            if (s_thread < 0)
            {
                System.Console.WriteLine("console: no thread for the terminal: typing is ignored");
                return;
            }
            scheduler.PollDevices = &Poll;
            Idt.SetHandler(Pic.Vector(Ps2Keyboard.Irq), &OnKeyboard);
            Idt.SetHandler(Pic.Vector(Com1Irq), &OnSerial);
            for (int i = 0; i < MaxBytesPerInterrupt && Ps2Keyboard.TryRead(out _); i++) { } // what the firmware left
            for (int i = 0; i < MaxBytesPerInterrupt && SerialPort.TryReceive(SerialPort.Com1, out _); i++) { }
            SerialPort.EnableReceiveInterrupt(SerialPort.Com1);
            Pic.Unmask(Ps2Keyboard.Irq);
            Pic.Unmask(Com1Irq);
        }

        private static void OnKeyboard(InterruptFrame* frame)
        {
            for (int i = 0; i < MaxBytesPerInterrupt && Ps2Keyboard.TryRead(out byte scanCode); i++)
                if (Ps2Keyboard.Translate(scanCode, out byte value))
                    s_terminal.Receive(value);
            Pic.EndOfInterrupt(Ps2Keyboard.Irq);
            if (frame->FromUserMode)
                Poll();
        }

        private static void OnSerial(InterruptFrame* frame)
        {
            for (int i = 0; i < MaxBytesPerInterrupt && SerialPort.TryReceive(SerialPort.Com1, out byte value); i++)
                s_terminal.Receive(value);
            Pic.EndOfInterrupt(Com1Irq);
            if (frame->FromUserMode)
                Poll();
        }

        // Where CPU 0 holds no lock: wake the terminal thread if bytes wait.
        private static void Poll()
        {
            if (s_terminal.RawPending)
                s_scheduler.Unpark(s_thread);
        }

        // The terminal thread: the line discipline over each batch of bytes.
        private static void Run(ulong unused)
        {
            while (true)
            {
                s_terminal.Process();
                s_scheduler.ParkForDevice();
            }
        }
    }
}
