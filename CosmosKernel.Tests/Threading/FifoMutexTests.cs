using CosmosKernel.Tests.Simulation;
using CosmosKernel.Threading;

namespace CosmosKernel.Tests.Threading;

// The kernel's FIFO mutex (the same source the kernel compiles) under the
// deterministic scheduler: fairness, mutual exclusion, no lost wake-up.
[TestFixture]
public class FifoMutexTests
{
    private const int Seeds = 200;

    [Test]
    public void WakeUpOrderEqualsArrivalOrder()
    {
        for (int seed = 1; seed <= Seeds; seed++)
        {
            // Arrival is the call to Lock: no scheduling point before it queues.
            var scheduler = new DeterministicScheduler(seed, interleaveLockOperations: false);
            var mutex = new FifoMutex(scheduler, 16, "test");
            var arrivals = new List<int>();
            var acquisitions = new List<int>();
            bool holderDone = false;
            scheduler.Spawn(() =>
            {
                mutex.Lock();
                // Hold the mutex until every other thread has queued.
                while (mutex.WaiterCount < 4)
                    scheduler.Yield();
                holderDone = true;
                mutex.Unlock();
            }, "holder");
            for (int i = 0; i < 4; i++)
            {
                scheduler.Spawn(() =>
                {
                    while (!mutex.IsLocked)
                        scheduler.Yield();
                    // Record arrival and queue with no scheduling point in between.
                    arrivals.Add(scheduler.CurrentThreadId);
                    mutex.Lock();
                    acquisitions.Add(scheduler.CurrentThreadId);
                    scheduler.Yield();
                    mutex.Unlock();
                });
            }
            var result = scheduler.Run();
            Assert.That(result.Failure, Is.Null);
            Assert.That(holderDone, Is.True);
            Assert.That(acquisitions, Is.EqualTo(arrivals), $"seed {seed}: acquisition order must equal arrival order");
        }
    }

    private sealed class Flag : IInterruptible
    {
        public volatile bool Set;
        public bool Interrupted => Set;
    }

    // A waiter on a program's behalf (a pipe's side lock) gives up when interrupted, at
    // any point of its wait (before it queues, asleep, or just as the mutex comes to
    // it: then it keeps it), and the waiters behind it keep their order; nobody is left
    // asleep with the mutex free.
    [Test]
    public void AnInterruptedWaiterLeavesTheQueueAndTheOthersKeepTheirOrder()
    {
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var scheduler = new DeterministicScheduler(seed);
            var mutex = new FifoMutex(scheduler, 4, "side");
            var flag = new Flag();
            var acquisitions = new List<string>();
            bool? interruptedGot = null;
            int interruptible = -1;
            scheduler.Spawn(() =>
            {
                mutex.Lock();
                while (mutex.WaiterCount < 3)
                    scheduler.Yield();
                flag.Set = true;
                scheduler.Unpark(interruptible); // as a signal's sender wakes its target
                scheduler.Yield();
                mutex.Unlock();
            }, "holder");
            scheduler.Spawn(() =>
            {
                while (mutex.WaiterCount < 1)
                    scheduler.Yield();
                mutex.Lock();
                acquisitions.Add("second");
                mutex.Unlock();
            }, "second");
            interruptible = scheduler.Spawn(() =>
            {
                while (!mutex.IsLocked)
                    scheduler.Yield();
                bool got = mutex.LockInterruptible(flag);
                interruptedGot = got;
                if (got)
                {
                    acquisitions.Add("interruptible");
                    mutex.Unlock();
                }
            }, "interruptible");
            scheduler.Spawn(() =>
            {
                while (mutex.WaiterCount < 2)
                    scheduler.Yield();
                mutex.Lock();
                acquisitions.Add("last");
                mutex.Unlock();
            }, "last");
            var result = scheduler.Run();
            Assert.That(result.Failure, Is.Null, $"seed {seed}");
            Assert.That(interruptedGot, Is.Not.Null, $"seed {seed}: the interruptible waiter returned");
            Assert.That(acquisitions.Where(a => a != "interruptible"), Is.EqualTo(new[] { "second", "last" }), $"seed {seed}: the others in arrival order");
            Assert.That(mutex.IsLocked, Is.False, $"seed {seed}");
            Assert.That(mutex.WaiterCount, Is.EqualTo(0), $"seed {seed}: nobody left queued");
        }
    }

    [Test]
    public void MutualExclusionAndNoLostWakeUp()
    {
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var scheduler = new DeterministicScheduler(seed);
            var mutex = new FifoMutex(scheduler, 8, "counter");
            int counter = 0;
            int inside = 0;
            int maxInside = 0;
            for (int t = 0; t < 4; t++)
            {
                scheduler.Spawn(() =>
                {
                    for (int i = 0; i < 20; i++)
                    {
                        mutex.Lock();
                        inside++;
                        maxInside = Math.Max(maxInside, inside);
                        int read = counter;
                        scheduler.Yield(); // a preemption inside the critical section
                        counter = read + 1;
                        inside--;
                        mutex.Unlock();
                        scheduler.Yield();
                    }
                });
            }
            var result = scheduler.Run();
            Assert.That(result.Failure, Is.Null, "a lost wake-up shows as a deadlock");
            Assert.That(counter, Is.EqualTo(80), $"seed {seed}: increments lost");
            Assert.That(maxInside, Is.EqualTo(1), $"seed {seed}: two threads inside the mutex");
            Assert.That(mutex.IsLocked, Is.False);
        }
    }

    [Test]
    public void ContendedWaitersSleepInsteadOfSpinning()
    {
        var scheduler = new DeterministicScheduler(3);
        var mutex = new FifoMutex(scheduler, 8, "sleepy");
        scheduler.Spawn(() =>
        {
            mutex.Lock();
            for (int i = 0; i < 1000; i++)
                scheduler.Yield();
            mutex.Unlock();
        });
        scheduler.Spawn(() =>
        {
            while (!mutex.IsLocked)
                scheduler.Yield();
            mutex.Lock();
            mutex.Unlock();
        });
        var result = scheduler.Run();
        Assert.That(result.Failure, Is.Null);
        // While parked, the waiter takes no turns: the holder's 1000 yields are almost
        // all the steps there are.
        Assert.That(result.Steps, Is.LessThan(1100));
        Assert.That(mutex.ContendedAcquisitions, Is.EqualTo(1));
    }

    // A mutex that forgets to wake its waiter: the explored interleavings must catch it.
    private sealed class ForgetfulBackend(DeterministicScheduler inner) : IThreadBackend
    {
        public int CurrentThreadId => inner.CurrentThreadId;
        public void Park() => inner.Park();
        public void ParkInterruptible() => inner.Park();
        public void Unpark(int threadId) { } // the bug
        public void Yield() => inner.Yield();
        public bool RunsOnAnotherCpu(int threadId) => false;
        public void SpinPause() => inner.Yield();
        public void Sleep(int milliseconds) => inner.Yield();
    }

    [Test]
    public void ALostWakeUpIsCaughtAsADeadlock()
    {
        int caught = 0;
        for (int seed = 1; seed <= 50; seed++)
        {
            var scheduler = new DeterministicScheduler(seed);
            var mutex = new FifoMutex(new ForgetfulBackend(scheduler), 8, "broken");
            for (int t = 0; t < 2; t++)
                scheduler.Spawn(() =>
                {
                    for (int i = 0; i < 5; i++)
                    {
                        mutex.Lock();
                        scheduler.Yield();
                        mutex.Unlock();
                    }
                });
            var result = scheduler.Run();
            if (result.Failure != null && result.Failure.Contains("deadlock"))
                caught++;
        }
        Assert.That(caught, Is.GreaterThan(0));
    }

    [Test]
    public void UnlockByANonOwnerFailsClearly()
    {
        var scheduler = new DeterministicScheduler(1);
        var mutex = new FifoMutex(scheduler, 4, "owned");
        scheduler.Spawn(() => mutex.Lock(), "owner");
        var result = scheduler.Run();
        Assert.That(result.Failure, Is.Null);
        var ex = Assert.Throws<InvalidOperationException>(() => mutex.Unlock());
        Assert.That(ex!.Message, Does.Contain("owned: unlocked by thread"));
    }

    [Test]
    public void AWaitQueueGrowsPastItsFirstCapacityInArrivalOrder()
    {
        var queue = new WaitQueue(2);
        queue.Enqueue(1);
        queue.Enqueue(2);
        Assert.That(queue.Dequeue(), Is.EqualTo(1));
        for (int id = 3; id <= 100; id++) // wraps around, then grows several times
            queue.Enqueue(id);
        for (int id = 2; id <= 100; id++)
            Assert.That(queue.Dequeue(), Is.EqualTo(id), "FIFO across growth");
        Assert.That(queue.Count, Is.EqualTo(0));
        var ex = Assert.Throws<InvalidOperationException>(() => queue.Dequeue());
        Assert.That(ex!.Message, Does.Contain("wait queue empty"));
    }

    [Test]
    public void MoreWaitersThanTheFirstCapacityAllGetTheMutexInOrder()
    {
        var scheduler = new DeterministicScheduler(seed: 7);
        var mutex = new FifoMutex(scheduler, 1, "small");
        var order = new List<int>();
        for (int i = 0; i < 20; i++)
        {
            int me = i;
            scheduler.Spawn(() =>
            {
                mutex.Lock();
                order.Add(me);
                scheduler.Yield(); // the others queue up behind us
                mutex.Unlock();
            }, "waiter " + i);
        }
        var result = scheduler.Run();
        Assert.That(result.Failure, Is.Null);
        Assert.That(order, Has.Count.EqualTo(20));
        Assert.That(mutex.IsLocked, Is.False);
    }
}
