// ids: who a process is and what the machine has, as Linux answers (issue 13): getppid
// (0 for a process the kernel started, the parent's pid after fork), the uid and gid
// calls (root: the only user), getrandom (flags, bad buffers, two draws that differ)
// and sysinfo (RAM and free RAM, uptime, processes).
#include "check.h"

// struct sysinfo (x86-64): what the checks read.
struct machine_info {
    long uptime;
    unsigned long loads[3];
    unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    unsigned short procs, pad;
    unsigned long totalhigh, freehigh;
    unsigned int mem_unit;
    char reserved[256];
};

int main(void)
{
    check_begin("ids");
    check_long("getppid of a process the kernel started", sys0(ABI_SYSCALL_NUMBERS_GETPPID), 0);
    long me = sys0(ABI_SYSCALL_NUMBERS_GETPID);
    long child = sys0(ABI_SYSCALL_NUMBERS_FORK);
    if (child == 0)
        sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, sys0(ABI_SYSCALL_NUMBERS_GETPPID) == me ? 0 : 1);
    int status = -1;
    check_long("fork", child > 0, 1);
    sys4(ABI_SYSCALL_NUMBERS_WAIT4, child, &status, 0, 0);
    check_long("a forked child's getppid is its parent's pid", status, 0);
    check_long("getuid", sys0(ABI_SYSCALL_NUMBERS_GETUID), 0);
    check_long("geteuid", sys0(ABI_SYSCALL_NUMBERS_GETEUID), 0);
    check_long("getgid", sys0(ABI_SYSCALL_NUMBERS_GETGID), 0);
    check_long("getegid", sys0(ABI_SYSCALL_NUMBERS_GETEGID), 0);

    unsigned char a[64], b[64];
    for (int i = 0; i < 64; i++)
        a[i] = b[i] = 0;
    check_long("getrandom fills 64 bytes", sys3(ABI_SYSCALL_NUMBERS_GETRANDOM, a, 64, 0), 64);
    check_long("again, without blocking", sys3(ABI_SYSCALL_NUMBERS_GETRANDOM, b, 64, ABI_RANDOM_FLAGS_NON_BLOCK), 64);
    int same = 0, zero = 0;
    for (int i = 0; i < 64; i++) {
        same += a[i] == b[i];
        zero += a[i] == 0;
    }
    check("two draws differ", same < 16);
    check("a draw is not zeros", zero < 16);
    check_long("getrandom of 0 bytes", sys3(ABI_SYSCALL_NUMBERS_GETRANDOM, a, 0, 0), 0);
    check_long("getrandom with unknown flags", sys3(ABI_SYSCALL_NUMBERS_GETRANDOM, a, 64, 0x40), -ABI_ERRNO_EINVAL);
    check_long("getrandom into a kernel address", sys3(ABI_SYSCALL_NUMBERS_GETRANDOM, 0xffffffff80000000UL, 64, 0), -ABI_ERRNO_EFAULT);
    check_long("getrandom into an unmapped page", sys3(ABI_SYSCALL_NUMBERS_GETRANDOM, 4096, 64, 0), -ABI_ERRNO_EFAULT);

    struct machine_info info;
    info.mem_unit = 0;
    check_long("sysinfo", sys1(ABI_SYSCALL_NUMBERS_SYSINFO, &info), 0);
    unsigned long unit = info.mem_unit;
    check("its memory unit is set", unit >= 1);
    check("it has RAM", info.totalram * unit >= 16UL << 20);
    check("some of it free", info.freeram > 0 && info.freeram < info.totalram);
    check("uptime is not negative", info.uptime >= 0);
    check("a process runs", info.procs >= 1);
    check_long("sysinfo into a kernel address", sys1(ABI_SYSCALL_NUMBERS_SYSINFO, 0xffffffff80000000UL), -ABI_ERRNO_EFAULT);
    return check_done();
}
