using CosmosKernel.Tests.Simulation;
using CosmosKernel.Threading;

namespace CosmosKernel.Tests.Threading;

// The reader-writer lock behind an address space's MmLock (the same source the kernel
// compiles) under the deterministic scheduler: readers share it, a writer has it
// alone, nobody overtakes a waiting writer, and no wake-up is lost.
[TestFixture]
public class FifoRwLockTests
{
    private const int Seeds = 200;

    [Test]
    public void ReadersShareWritersExcludeAndNoWakeUpIsLost()
    {
        int seedsWithSharedReads = 0;
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var scheduler = new DeterministicScheduler(seed);
            var rw = new FifoRwLock(scheduler, 4, "test rw");
            int readersInside = 0, writersInside = 0, maxReaders = 0, counter = 0;
            bool overlap = false;
            for (int t = 0; t < 5; t++)
            {
                bool writer = t < 2;
                scheduler.Spawn(() =>
                {
                    for (int i = 0; i < 10; i++)
                    {
                        if (writer)
                        {
                            rw.LockWrite();
                            writersInside++;
                            overlap |= readersInside != 0 || writersInside != 1;
                            int read = counter;
                            scheduler.Yield(); // preempted inside
                            counter = read + 1;
                            writersInside--;
                            rw.UnlockWrite();
                        }
                        else
                        {
                            rw.LockRead();
                            readersInside++;
                            maxReaders = Math.Max(maxReaders, readersInside);
                            overlap |= writersInside != 0;
                            scheduler.Yield();
                            readersInside--;
                            rw.UnlockRead();
                        }
                        scheduler.Yield();
                    }
                });
            }
            var result = scheduler.Run();
            Assert.That(result.Failure, Is.Null, $"seed {seed}: a lost wake-up shows as a deadlock");
            Assert.That(overlap, Is.False, $"seed {seed}: a writer was inside with someone else");
            Assert.That(counter, Is.EqualTo(20), $"seed {seed}: a writer's increment was lost");
            if (maxReaders > 1)
                seedsWithSharedReads++;
        }
        TestContext.Out.WriteLine($"readers were inside together in {seedsWithSharedReads} of {Seeds} seeds");
        Assert.That(seedsWithSharedReads, Is.GreaterThan(0), "readers hold it together");
    }

    [Test]
    public void AReaderThatComesWhileAWriterWaitsQueuesBehindIt()
    {
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var scheduler = new DeterministicScheduler(seed, interleaveLockOperations: false);
            var rw = new FifoRwLock(scheduler, 4, "test rw");
            var order = new List<string>();
            int stage = 0;
            scheduler.Spawn(() =>
            {
                rw.LockRead();
                stage = 1;
                while (stage < 3)
                    scheduler.Yield(); // hold until the writer and the second reader queued
                order.Add("first reader out");
                rw.UnlockRead();
            });
            scheduler.Spawn(() =>
            {
                while (stage < 1)
                    scheduler.Yield();
                stage = 2;
                rw.LockWrite(); // queues behind the first reader
                order.Add("writer in");
                rw.UnlockWrite();
            });
            scheduler.Spawn(() =>
            {
                while (stage < 2)
                    scheduler.Yield();
                scheduler.Yield();
                stage = 3;
                rw.LockRead(); // a reader is inside, but a writer waits: it queues
                order.Add("second reader in");
                rw.UnlockRead();
            });
            var result = scheduler.Run();
            Assert.That(result.Failure, Is.Null);
            Assert.That(order, Is.EqualTo(new[] { "first reader out", "writer in", "second reader in" }),
                $"seed {seed}: the second reader must not overtake the waiting writer");
        }
    }

    [Test]
    public void UnlockingWhatOneDoesNotHoldIsCaught()
    {
        var scheduler = new DeterministicScheduler(1);
        var rw = new FifoRwLock(scheduler, 4, "test rw");
        scheduler.Spawn(() => rw.UnlockRead());
        Assert.That(scheduler.Run().Failure, Does.Contain("without holding it for reading"));
    }

    // The lock knows its readers (a waiting writer spins only for one that runs), so a
    // thread cannot let go of another's read lock either.
    [Test]
    public void ReadUnlockingAnotherThreadsReadLockIsCaught()
    {
        var scheduler = new DeterministicScheduler(1);
        var rw = new FifoRwLock(scheduler, 4, "test rw");
        bool readerIn = false;
        scheduler.Spawn(() =>
        {
            rw.LockRead();
            readerIn = true;
            while (true)
                scheduler.Yield();
        });
        scheduler.Spawn(() =>
        {
            while (!readerIn)
                scheduler.Yield();
            rw.UnlockRead();
        });
        Assert.That(scheduler.Run().Failure, Does.Contain("read-unlocked by thread 1 without holding it for reading"));
    }
}
