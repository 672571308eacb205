// enosys: syscalls that neither kernel implements answer ENOSYS (Linux keeps the
// numbers of afs_syscall, 183, and tuxcall, 184, without a handler). On CosmosKernel the
// kernel also names an unimplemented syscall once per process ("process 5 (enosys):
// syscall 183 (afs_syscall) not implemented, -ENOSYS"): this program calls 183 twice
// and 184 once, and its forked child 183 once, so CProgramTests expects two lines for
// 183 (one per process) and one for 184.
#include "check.h"

#define AFS_SYSCALL 183
#define TUXCALL 184

int main(void)
{
    check_begin("enosys");
    check_long("afs_syscall is ENOSYS", sys0(AFS_SYSCALL), -ABI_ERRNO_ENOSYS);
    check_long("afs_syscall again is ENOSYS", sys0(AFS_SYSCALL), -ABI_ERRNO_ENOSYS);
    check_long("tuxcall is ENOSYS", sys0(TUXCALL), -ABI_ERRNO_ENOSYS);
    long pid = sys0(ABI_SYSCALL_NUMBERS_FORK);
    if (pid == 0)
        sys1(ABI_SYSCALL_NUMBERS_EXIT_GROUP, sys0(AFS_SYSCALL) == -ABI_ERRNO_ENOSYS ? 0 : 1);
    int status = -1;
    if (check("fork", pid > 0))
        check_long("wait4 for the child", sys4(ABI_SYSCALL_NUMBERS_WAIT4, pid, &status, 0, 0), pid);
    check_long("the child's afs_syscall was ENOSYS too", status, 0);
    return check_done();
}
