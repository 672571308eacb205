using System;

namespace CosmosKernel.SelfTests
{
    // Counts checks for a boot-time self-test and prints one summary line per suite:
    //   selftest <suite>: <passed>/<total> checks passed
    // Failed checks print their names first. The QEMU boot tests assert on these lines.
    public sealed class SelfTestRunner
    {
        private readonly string _suite;
        private int _passed;
        private int _total;

        public SelfTestRunner(string suite) => _suite = suite;

        public bool AllPassed => _passed == _total;

        public void Check(bool condition, string name)
        {
            _total++;
            if (condition)
                _passed++;
            else
                Console.WriteLine("selftest " + _suite + ": FAILED " + name);
        }

        public void CheckEqual(long expected, long actual, string name)
        {
            if (expected != actual)
                name = name + " (expected " + expected.ToString() + ", got " + actual.ToString() + ")";
            Check(expected == actual, name);
        }

        public void CheckEqual(string expected, string actual, string name)
        {
            if (expected != actual)
                name = name + " (expected \"" + expected + "\", got \"" + actual + "\")";
            Check(expected == actual, name);
        }

        public void PrintSummary()
        {
            Console.WriteLine("selftest " + _suite + ": " + _passed.ToString() + "/" + _total.ToString() + " checks passed");
        }
    }
}
