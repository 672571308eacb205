namespace CosmosKernel.Abi
{
    // poll(2)'s events and struct pollfd (asm-generic/poll.h): int fd, short events,
    // short revents, 8 bytes.
    public static class PollEvents
    {
        public const int In = 0x1, Priority = 0x2, Out = 0x4, Error = 0x8, HangUp = 0x10, Invalid = 0x20,
            ReadNormal = 0x40, WriteNormal = 0x100;
        public const int PollfdBytes = 8;
        public const int EventsOffset = 4, ReturnedOffset = 6;
    }
}
