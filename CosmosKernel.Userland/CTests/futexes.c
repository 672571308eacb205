// futexes: futex(2)'s answers as Linux gives them (issue 16, items 8 and 10): a zero
// timeout returns ETIMEDOUT at once (it waited forever), and FUTEX_WAKE checks its
// address as FUTEX_WAIT does (Linux's get_futex_key: unaligned EINVAL, outside user
// space EFAULT) before it looks for waiters.
#include "check.h"


static int word;

static long futex(void *address, int op, int value, const long *timeout)
{
    return sys4(ABI_SYSCALL_NUMBERS_FUTEX, address, op, value, timeout);
}

int main(void)
{
    check_begin("futexes");
    static const long zero[2] = { 0, 0 }, one_ms[2] = { 0, 1000000 };
    static const long negative[2] = { 0, -1 }, too_many_ns[2] = { 0, 1000000000 };

    // FUTEX_WAIT with a timeout
    check_long("FUTEX_WAIT with a zero timeout times out at once", futex(&word, ABI_FUTEX_OPS_WAIT, 0, zero), -ABI_ERRNO_ETIMEDOUT);
    check_long("FUTEX_WAIT|FUTEX_PRIVATE with a zero timeout times out at once", futex(&word, ABI_FUTEX_OPS_WAIT | ABI_FUTEX_OPS_PRIVATE_FLAG, 0, zero), -ABI_ERRNO_ETIMEDOUT);
    check_long("FUTEX_WAIT with a zero timeout on a changed word is EAGAIN (the word first)", futex(&word, ABI_FUTEX_OPS_WAIT, 1, zero), -ABI_ERRNO_EAGAIN);
    check_long("FUTEX_WAIT with a 1 ms timeout times out", futex(&word, ABI_FUTEX_OPS_WAIT | ABI_FUTEX_OPS_PRIVATE_FLAG, 0, one_ms), -ABI_ERRNO_ETIMEDOUT);
    check_long("FUTEX_WAIT with a negative tv_nsec is EINVAL", futex(&word, ABI_FUTEX_OPS_WAIT, 0, negative), -ABI_ERRNO_EINVAL);
    check_long("FUTEX_WAIT with tv_nsec of 10^9 is EINVAL", futex(&word, ABI_FUTEX_OPS_WAIT, 0, too_many_ns), -ABI_ERRNO_EINVAL);
    check_long("FUTEX_WAIT with a zero timeout on a kernel address is EFAULT", futex((void *)0xFFFF800000000000UL, ABI_FUTEX_OPS_WAIT, 0, zero), -ABI_ERRNO_EFAULT);
    check_long("FUTEX_WAIT with a zero timeout on an unaligned word is EINVAL", futex((char *)&word + 1, ABI_FUTEX_OPS_WAIT, 0, zero), -ABI_ERRNO_EINVAL);

    // FUTEX_WAKE checks the address before anything else
    check_long("FUTEX_WAKE with nobody waiting wakes 0", futex(&word, ABI_FUTEX_OPS_WAKE, 1, 0), 0);
    check_long("FUTEX_WAKE on an unaligned word is EINVAL", futex((char *)&word + 1, ABI_FUTEX_OPS_WAKE, 1, 0), -ABI_ERRNO_EINVAL);
    check_long("FUTEX_WAKE|FUTEX_PRIVATE on an unaligned word is EINVAL", futex((char *)&word + 2, ABI_FUTEX_OPS_WAKE | ABI_FUTEX_OPS_PRIVATE_FLAG, 1, 0), -ABI_ERRNO_EINVAL);
    check_long("FUTEX_WAKE on a kernel address is EFAULT", futex((void *)0xFFFF800000000000UL, ABI_FUTEX_OPS_WAKE, 1, 0), -ABI_ERRNO_EFAULT);
    check_long("FUTEX_WAKE|FUTEX_PRIVATE on a kernel address is EFAULT", futex((void *)0xFFFFFFFF80100000UL, ABI_FUTEX_OPS_WAKE | ABI_FUTEX_OPS_PRIVATE_FLAG, 1, 0), -ABI_ERRNO_EFAULT);
    check_long("FUTEX_WAKE on a non-canonical address is EFAULT", futex((void *)0x0000800000000000UL, ABI_FUTEX_OPS_WAKE | ABI_FUTEX_OPS_PRIVATE_FLAG, 1, 0), -ABI_ERRNO_EFAULT);
    check_long("FUTEX_WAKE at the end of user space (0x7FFFFFFFF000) is EFAULT", futex((void *)0x00007FFFFFFFF000UL, ABI_FUTEX_OPS_WAKE | ABI_FUTEX_OPS_PRIVATE_FLAG, 1, 0), -ABI_ERRNO_EFAULT);
    check_long("FUTEX_WAKE|FUTEX_PRIVATE of 0 waiters on an unaligned word is EINVAL", futex((char *)&word + 1, ABI_FUTEX_OPS_WAKE | ABI_FUTEX_OPS_PRIVATE_FLAG, 0, 0), -ABI_ERRNO_EINVAL);
    check_long("FUTEX_WAKE on an unmapped user page is EFAULT (a shared futex's key needs the page)", futex((void *)0x10000000UL, ABI_FUTEX_OPS_WAKE, 1, 0), -ABI_ERRNO_EFAULT);
    check_long("FUTEX_WAKE|FUTEX_PRIVATE on an unmapped user page wakes 0 (a private key is the address)", futex((void *)0x10000000UL, ABI_FUTEX_OPS_WAKE | ABI_FUTEX_OPS_PRIVATE_FLAG, 1, 0), 0);
    return check_done();
}
