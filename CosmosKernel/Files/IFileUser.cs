using CosmosKernel.Memory;

namespace CosmosKernel.Files
{
    // Who reads or writes a file: the address space the user buffer lives in, and
    // whether the calling thread's wait should end (its process is ending, or a signal
    // for a handler came: a sleep in a pipe then returns EINTR). Processes
    // implement it, so files need nothing from the process layer above them.
    public interface IFileUser : Threading.IInterruptible
    {
        AddressSpace Space { get; }

        // Who it is, for the terminal's ioctls (the controlling terminal and its
        // foreground group belong to a session).
        int Pid { get; }
        int Pgid { get; }
        int Sid { get; }

        // Its process is ending (exit_group, a fatal signal): a long copy to or from a
        // file stops between pages, as Linux's fatal_signal_pending() check does, so a
        // write of a gigabyte does not hold up the end of its process. A signal for a
        // handler does not stop it (a regular file's write is never short for that).
        bool Ending { get; }
    }
}
