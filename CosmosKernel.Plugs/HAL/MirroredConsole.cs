using System.IO;

namespace Cosmos.HAL
{
    // Console output to the screen and COM1 at once. Serial gets "\r\n" line ends so
    // terminals and logs read well.
    public sealed class MirroredConsole : TextWriter
    {
        private readonly SerialPort _serial;
        private readonly VgaTextScreen _screen;

        public MirroredConsole(SerialPort serial, VgaTextScreen screen)
        {
            _serial = serial;
            _screen = screen;
        }

        public override void Write(char c)
        {
            if (c == '\n')
                _serial.Write((byte)'\r');
            _serial.Write((byte)(c < 128 ? c : '?'));
            _screen?.Write(c);
        }
    }
}
