using CosmosKernel.Memory;

namespace CosmosKernel.Files
{
    // Who reads or writes a file: the address space the user buffer lives in, and
    // whether its process is ending (a sleep in a pipe then returns EINTR). Processes
    // implement it, so files need nothing from the process layer above them.
    public interface IFileUser
    {
        AddressSpace Space { get; }
        bool Exiting { get; }
    }
}
