using System.IO;

namespace Cosmos.HAL
{
    // Console output to the screen and COM1 at once. Serial gets "\r\n" line ends so
    // terminals and logs read well.
    public sealed class MirroredConsole : TextWriter
    {
        private readonly SerialPort _serial;
        private readonly TextScreen _screen; // null: COM1 only

        public MirroredConsole(SerialPort serial, TextScreen screen)
        {
            _serial = serial;
            _screen = screen;
        }

        public string Description => (_screen == null ? "" : _screen.Description + " and ") + "COM1";

        public override void Write(char c)
        {
            if (c == '\n')
                _serial.Write((byte)'\r');
            _serial.Write((byte)(c < 128 ? c : '?'));
            _screen?.Write(c);
        }
    }
}
