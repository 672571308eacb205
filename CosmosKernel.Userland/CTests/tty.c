// tty: the console as a terminal (issue 13): ioctl's TCGETS and TCSETS (Linux's
// defaults: canonical mode, echo, signals, ^C ^D DEL), TIOCGWINSZ, FIONREAD, TCSBRK;
// ENOTTY from a pipe, EBADF and EFAULT; the controlling terminal: none at first
// (TIOCGPGRP is ENOTTY), then a session leader takes it (TIOCSCTTY) and moves its
// foreground group (TIOCSPGRP: EINVAL, EPERM, then a child's group). Reading it is
// tested by typing on it (TerminalTests), not here: this program must not wait.
#include "check.h"

#define NR(name) ABI_SYSCALL_NUMBERS_##name
#define TC(name) ABI_TERMIOS_##name

static long ioctl3(long fd, unsigned long command, void *argument)
{
    return sys3(NR(IOCTL), fd, command, argument);
}

int main(void)
{
    check_begin("tty");
    unsigned char termios[ABI_TERMIOS_BYTES], saved[ABI_TERMIOS_BYTES];
    check_long("TCGETS on stdin", ioctl3(0, TC(TCGETS), termios), 0);
    unsigned int lflag = *(unsigned int *)(termios + TC(LFLAG));
    unsigned int iflag = *(unsigned int *)(termios + TC(IFLAG));
    unsigned char *cc = termios + TC(CC);
    check_hex("canonical mode, echo and signals on", lflag & (TC(ICANON) | TC(ECHO) | TC(ISIG)), TC(ICANON) | TC(ECHO) | TC(ISIG));
    check_hex("CR becomes NL on input", iflag & TC(ICRNL), TC(ICRNL));
    check_long("VINTR is ^C", cc[TC(VINTR)], 3);
    check_long("VEOF is ^D", cc[TC(VEOF)], 4);
    check_long("VERASE is DEL", cc[TC(VERASE)], 0x7f);
    check_long("VMIN is 1", cc[TC(VMIN)], 1);
    for (int i = 0; i < ABI_TERMIOS_BYTES; i++)
        saved[i] = termios[i];

    *(unsigned int *)(termios + TC(LFLAG)) = lflag & ~(TC(ICANON) | TC(ECHO));
    check_long("TCSETS: raw, no echo", ioctl3(0, TC(TCSETS), termios), 0);
    unsigned char again[ABI_TERMIOS_BYTES];
    check_long("TCGETS", ioctl3(0, TC(TCGETS), again), 0);
    check_hex("reads the new flags back", *(unsigned int *)(again + TC(LFLAG)) & (TC(ICANON) | TC(ECHO)), 0);
    check_long("TCSETSW puts the old ones back", ioctl3(0, TC(TCSETSW), saved), 0);
    check_long("TCGETS", ioctl3(0, TC(TCGETS), again), 0);
    check_hex("canonical again", *(unsigned int *)(again + TC(LFLAG)) & TC(ICANON), TC(ICANON));

    unsigned short winsize[4] = { 0xffff, 0xffff, 0xffff, 0xffff };
    check_long("TIOCGWINSZ", ioctl3(1, TC(TIOCGWINSZ), winsize), 0);
    check("it wrote the size", winsize[0] != 0xffff && winsize[1] != 0xffff);
    int available = -1;
    check_long("FIONREAD", ioctl3(0, TC(FIONREAD), &available), 0);
    check_long("nothing typed", available, 0);
    check_long("TCSBRK (tcdrain)", ioctl3(1, TC(TCSBRK), (void *)1), 0);

    int fds[2];
    sys1(NR(PIPE), fds);
    check_long("TCGETS on a pipe", ioctl3(fds[0], TC(TCGETS), termios), -ABI_ERRNO_ENOTTY);
    sys3(NR(WRITE), fds[1], "abc", 3);
    available = -1;
    check_long("FIONREAD on a pipe's read end", ioctl3(fds[0], TC(FIONREAD), &available), 0);
    check_long("the bytes in it", available, 3);
    available = -1;
    check_long("and on its write end", ioctl3(fds[1], TC(FIONREAD), &available), 0);
    check_long("the same", available, 3);
    char drain[3];
    sys3(NR(READ), fds[0], drain, 3);
    check_long("TCGETS on a closed descriptor", ioctl3(99, TC(TCGETS), termios), -ABI_ERRNO_EBADF);
    check_long("TCGETS into an unmapped page", ioctl3(0, TC(TCGETS), (void *)16), -ABI_ERRNO_EFAULT);
    check_long("TCSETS from an unmapped page", ioctl3(0, TC(TCSETS), (void *)16), -ABI_ERRNO_EFAULT);

    // The controlling terminal. SIGTTOU ignored: on Linux a background group's
    // TIOCSPGRP would get it (not done here, where nothing stops).
    unsigned long ignore[4] = { 1, 0, 0, 0 };
    sys4(NR(RT_SIGACTION), 22 /* SIGTTOU */, ignore, 0, 8);
    int pgrp = -1;
    check_long("TIOCGPGRP without a controlling terminal", ioctl3(0, TC(TIOCGPGRP), &pgrp), -ABI_ERRNO_ENOTTY);
    long me = sys0(NR(GETPID));
    check_long("setsid", sys0(NR(SETSID)), me);
    check_long("TIOCSCTTY: the console becomes ours", ioctl3(0, TC(TIOCSCTTY), 0), 0);
    check_long("TIOCGPGRP", ioctl3(0, TC(TIOCGPGRP), &pgrp), 0);
    check_long("the foreground group is ours", pgrp, me);
    int sid = -1;
    check_long("TIOCGSID", ioctl3(0, TC(TIOCGSID), &sid), 0);
    check_long("our session", sid, me);
    int bad = -1;
    check_long("TIOCSPGRP to a negative group", ioctl3(0, TC(TIOCSPGRP), &bad), -ABI_ERRNO_EINVAL);
    bad = 999999;
    check_long("TIOCSPGRP to a group that does not exist", ioctl3(0, TC(TIOCSPGRP), &bad), -ABI_ERRNO_ESRCH);
    long child = sys0(NR(FORK));
    if (child == 0) {
        char c;
        sys1(NR(CLOSE), fds[1]);
        sys2(NR(SETPGID), 0, 0);
        sys3(NR(READ), fds[0], &c, 1); // until the parent is done
        sys1(NR(EXIT_GROUP), 0);
    }
    sys2(NR(SETPGID), child, child); // whichever of the two comes first
    int group = child;
    check_long("TIOCSPGRP to the child's group", ioctl3(0, TC(TIOCSPGRP), &group), 0);
    check_long("TIOCGPGRP", ioctl3(0, TC(TIOCGPGRP), &pgrp), 0);
    check_long("the child's group is in the foreground", pgrp, child);
    group = me;
    check_long("and ours again", ioctl3(0, TC(TIOCSPGRP), &group), 0);
    sys1(NR(CLOSE), fds[1]);
    int status = -1;
    check_long("the child ends", sys4(NR(WAIT4), child, &status, 0, 0), child);
    return check_done();
}
