// typing: reads what is typed on the console, for TerminalTests (which types over
// COM1) and for a user at the keyboard. Each prompt ends its line, so the test sees it:
//   "typing: type a line"  then every line read comes back as "typing: got <line>",
//                          until ^D on an empty line ("typing: end of file");
//   "typing: raw mode"     ICANON and ECHO off: one key, no Enter ("typing: key 0x71");
//   "typing: press ^C"     a session leader with the console as its controlling
//                          terminal waits; ^C sends SIGINT to its group, which ends it.
#include "../CTests/check.h"

#define NR(name) ABI_SYSCALL_NUMBERS_##name
#define TC(name) ABI_TERMIOS_##name

static void say(const char *text)
{
    struct check_line line = { .length = 0 };
    line_add(&line, "typing: ");
    line_add(&line, text);
    line_print(&line);
}

int main(void)
{
    say("type a line");
    char buffer[256];
    long n;
    while ((n = sys3(NR(READ), 0, buffer, sizeof buffer - 1)) > 0) {
        if (buffer[n - 1] == '\n')
            n--;
        buffer[n] = 0;
        struct check_line line = { .length = 0 };
        line_add(&line, "typing: got ");
        line_add(&line, buffer);
        line_print(&line);
    }
    say(n == 0 ? "end of file" : "read failed");

    unsigned char termios[ABI_TERMIOS_BYTES], saved[ABI_TERMIOS_BYTES];
    sys3(NR(IOCTL), 0, TC(TCGETS), termios);
    for (int i = 0; i < ABI_TERMIOS_BYTES; i++)
        saved[i] = termios[i];
    *(unsigned int *)(termios + TC(LFLAG)) &= ~(TC(ICANON) | TC(ECHO));
    sys3(NR(IOCTL), 0, TC(TCSETS), termios);
    say("raw mode");
    unsigned char key = 0;
    n = sys3(NR(READ), 0, &key, 1);
    sys3(NR(IOCTL), 0, TC(TCSETS), saved);
    struct check_line line = { .length = 0 };
    line_add(&line, "typing: key ");
    line_add_hex(&line, n == 1 ? key : 0xffff);
    line_print(&line);

    sys0(NR(SETSID));
    sys3(NR(IOCTL), 0, TC(TIOCSCTTY), 0);
    say("press ^C");
    for (;;)
        sys3(NR(READ), 0, buffer, sizeof buffer); // ^C's SIGINT ends it here
}
