using CosmosKernel.Abi;
using CosmosKernel.Files;

namespace CosmosKernel.FileSystem
{
    // A character device in /dev: opening it opens the device (Files/Devices.cs).
    public sealed class DeviceNode : Node
    {
        public readonly ICharacterDevice Device;
        private readonly ulong _number;

        public DeviceNode(ICharacterDevice device, uint major, uint minor, uint permissions)
            : base(FileModes.CharDevice | (permissions & FileModes.PermissionMask))
        {
            Device = device;
            _number = FileStatus.DeviceNumber(major, minor);
            Links = 1;
        }

        public override ulong SpecialDevice => _number;
    }
}
