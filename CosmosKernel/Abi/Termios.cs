namespace CosmosKernel.Abi
{
    // The terminal's ioctls and struct termios as x86-64 Linux has them
    // (asm-generic/ioctls.h, asm-generic/termbits.h): what TCGETS returns is the
    // kernel's struct termios, 36 bytes: c_iflag, c_oflag, c_cflag, c_lflag (4 bytes
    // each), c_line, c_cc[19].
    public static class Termios
    {
        public const uint Tcgets = 0x5401, Tcsets = 0x5402, Tcsetsw = 0x5403, Tcsetsf = 0x5404, Tcsbrk = 0x5409;
        public const uint Tiocsctty = 0x540E, Tiocgpgrp = 0x540F, Tiocspgrp = 0x5410, Tiocgwinsz = 0x5413, Tiocswinsz = 0x5414;
        public const uint Fionread = 0x541B, Tiocgsid = 0x5429;

        public const int Bytes = 36;
        public const int Iflag = 0, Oflag = 4, Cflag = 8, Lflag = 12, Line = 16, Cc = 17;
        public const int CcCount = 19;
        public const int WinsizeBytes = 8; // ws_row, ws_col, ws_xpixel, ws_ypixel: 2 bytes each

        // c_cc's indices.
        public const int Vintr = 0, Vquit = 1, Verase = 2, Vkill = 3, Veof = 4, Vtime = 5, Vmin = 6, Vswtc = 7,
            Vstart = 8, Vstop = 9, Vsusp = 10, Veol = 11, Vreprint = 12, Vdiscard = 13, Vwerase = 14, Vlnext = 15, Veol2 = 16;

        // The flags the line discipline acts on.
        public const uint Icrnl = 0x100, Ixon = 0x400;                  // c_iflag
        public const uint Opost = 0x1, Onlcr = 0x4;                     // c_oflag
        public const uint B38400 = 0xF, Cs8 = 0x30, Cread = 0x80, Hupcl = 0x400; // c_cflag
        public const uint Isig = 0x1, Icanon = 0x2, Echo = 0x8, Echoe = 0x10, Echok = 0x20, Echoctl = 0x200,
            Echoke = 0x800, Iexten = 0x8000;                            // c_lflag
    }
}
