// pthreads: threads as musl makes them (issue 13), through musl's own pthread_create,
// join, mutexes, condition variables, thread-local storage, pthread_exit and detached
// threads; and a user copy racing with munmap from another pthread: the pipe's bytes
// are either copied or stay in the pipe, never lost.
#include <pthread.h>
#include "check.h"

#define THREADS 4
#define ADDS 20000

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int detached_ran;
static __thread long tls_value;
static long thread_tids[THREADS];

static void *adder(void *arg)
{
    long index = (long)arg;
    tls_value = index + 1;
    thread_tids[index] = sys0(ABI_SYSCALL_NUMBERS_GETTID);
    for (int i = 0; i < ADDS; i++) {
        pthread_mutex_lock(&mutex);
        counter++;
        pthread_mutex_unlock(&mutex);
    }
    return (void *)(tls_value * 100); // its own TLS: the others wrote theirs meanwhile
}

static void *exits_early(void *arg)
{
    pthread_exit((void *)((long)arg + 1));
    return 0;
}

static void *detached(void *arg)
{
    pthread_mutex_lock(&mutex);
    detached_ran = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&mutex);
    return arg;
}

// ---- a read into a buffer another thread unmaps ---------------------------------------

#define RACE_BYTES 4096
#define RACE_ROUNDS 40

struct race {
    int fd;
    char *buffer;
    volatile int go;
    long result;
};

static void *reader(void *arg)
{
    struct race *r = arg;
    while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE))
        ;
    r->result = sys3(ABI_SYSCALL_NUMBERS_READ, r->fd, r->buffer, RACE_BYTES);
    return 0;
}

static void *unmapper(void *arg)
{
    struct race *r = arg;
    while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE))
        ;
    sys2(ABI_SYSCALL_NUMBERS_MUNMAP, r->buffer, RACE_BYTES);
    return 0;
}

static void race_read_with_munmap(void)
{
    int fds[2];
    if (!check_long("pipe for the race", sys1(ABI_SYSCALL_NUMBERS_PIPE, fds), 0))
        return;
    char pattern[RACE_BYTES], drained[RACE_BYTES];
    for (int i = 0; i < RACE_BYTES; i++)
        pattern[i] = (char)(i * 13 + 7);
    int whole = 0, failed = 0, partial = 0, lost = 0, wrong = 0;
    for (int round = 0; round < RACE_ROUNDS; round++) {
        sys3(ABI_SYSCALL_NUMBERS_WRITE, fds[1], pattern, RACE_BYTES);
        struct race r = { fds[0], 0, 0, 0 };
        r.buffer = (char *)sys6(ABI_SYSCALL_NUMBERS_MMAP, 0, RACE_BYTES, ABI_PROT_READ | ABI_PROT_WRITE,
                                ABI_MAP_FLAGS_PRIVATE | ABI_MAP_FLAGS_ANONYMOUS, -1, 0);
        pthread_t a, b;
        pthread_create(&a, 0, reader, &r);
        pthread_create(&b, 0, unmapper, &r);
        __atomic_store_n(&r.go, 1, __ATOMIC_RELEASE);
        pthread_join(a, 0);
        pthread_join(b, 0);
        // What the read did not take is still in the pipe, in order.
        long copied = r.result > 0 ? r.result : 0;
        long left = RACE_BYTES - copied;
        long got = left > 0 ? sys3(ABI_SYSCALL_NUMBERS_READ, fds[0], drained, left) : 0;
        if (got != left)
            lost++;
        for (long i = 0; i < got && i < left; i++)
            wrong += drained[i] != pattern[copied + i];
        if (r.result == RACE_BYTES)
            whole++;
        else if (r.result == -ABI_ERRNO_EFAULT)
            failed++;
        else if (r.result > 0)
            partial++;
    }
    struct check_line outcome = { .length = 0 };
    line_add(&outcome, "pthreads: read racing munmap: ");
    line_add_long(&outcome, whole);
    line_add(&outcome, " whole, ");
    line_add_long(&outcome, partial);
    line_add(&outcome, " partial, ");
    line_add_long(&outcome, failed);
    line_add(&outcome, " EFAULT");
    line_print(&outcome);
    check_long("read racing munmap: every round ends whole, partial or EFAULT",
               whole + failed + partial, RACE_ROUNDS);
    check_long("and no byte is lost: the rest is still in the pipe", lost, 0);
    check_long("in order", wrong, 0);
    sys1(ABI_SYSCALL_NUMBERS_CLOSE, fds[0]);
    sys1(ABI_SYSCALL_NUMBERS_CLOSE, fds[1]);
}

int main(void)
{
    check_begin("pthreads");
    long main_tid = sys0(ABI_SYSCALL_NUMBERS_GETTID);
    check_long("the main thread's tid is the pid", main_tid, sys0(ABI_SYSCALL_NUMBERS_GETPID));

    pthread_t threads[THREADS];
    int created = 0;
    for (long i = 0; i < THREADS; i++)
        created += pthread_create(&threads[i], 0, adder, (void *)i) == 0;
    check_long("pthread_create starts every thread", created, THREADS);
    int values_right = 0;
    for (long i = 0; i < created; i++) {
        void *value = 0;
        if (pthread_join(threads[i], &value) == 0 && (long)value == (i + 1) * 100)
            values_right++;
    }
    check_long("pthread_join returns each thread's value (from its own TLS)", values_right, THREADS);
    check_long("no increment is lost under the mutex", counter, (long)THREADS * ADDS);
    int distinct = 1;
    for (int i = 0; i < THREADS; i++)
        for (int j = 0; j < THREADS; j++)
            distinct &= thread_tids[i] > 0 && thread_tids[i] != main_tid && (i == j || thread_tids[i] != thread_tids[j]);
    check("every thread has a tid of its own", distinct);
    check_long("the main thread's TLS is its own", tls_value, 0);

    pthread_t early;
    void *early_value = 0;
    check_long("a thread that calls pthread_exit starts", pthread_create(&early, 0, exits_early, (void *)41), 0);
    check_long("and is joined", pthread_join(early, &early_value), 0);
    check_long("with pthread_exit's value", (long)early_value, 42);

    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_t loose;
    check_long("a detached thread starts", pthread_create(&loose, &attributes, detached, 0), 0);
    pthread_mutex_lock(&mutex);
    while (!detached_ran)
        pthread_cond_wait(&cond, &mutex);
    pthread_mutex_unlock(&mutex);
    check("it signals a condition variable the main thread waits on", detached_ran);

    race_read_with_munmap();
    return check_done();
}
