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
    }
}
