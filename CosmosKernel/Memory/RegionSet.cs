namespace CosmosKernel.Memory
{
    // The regions of one address space, sorted by start address and never overlapping.
    // A plain sorted array: address spaces hold tens of regions, and lookups are
    // binary searches. Guarded by the owning AddressSpace's MmLock.
    public sealed class RegionSet
    {
        private Region[] _regions = new Region[16];
        private int _count;

        public int Count => _count;

        public Region this[int index] => _regions[index];

        // The region containing address, or null.
        public Region Find(ulong address)
        {
            int index = IndexOfFirstEndingAfter(address);
            return index < _count && _regions[index].Contains(address) ? _regions[index] : null;
        }

        // Index of the first region whose End is above address (the first that could
        // contain or follow it).
        public int IndexOfFirstEndingAfter(ulong address)
        {
            int low = 0, high = _count;
            while (low < high)
            {
                int mid = (low + high) / 2;
                if (_regions[mid].End <= address)
                    low = mid + 1;
                else
                    high = mid;
            }
            return low;
        }

        public bool Overlaps(ulong start, ulong end)
        {
            int index = IndexOfFirstEndingAfter(start);
            return index < _count && _regions[index].Start < end;
        }

        // True when every byte of [start, end) belongs to some region.
        public bool FullyMapped(ulong start, ulong end)
        {
            ulong at = start;
            int index = IndexOfFirstEndingAfter(start);
            while (at < end)
            {
                if (index >= _count || _regions[index].Start > at)
                    return false;
                at = _regions[index].End;
                index++;
            }
            return true;
        }

        public void Insert(Region region)
        {
            if (_count == _regions.Length)
            {
                var bigger = new Region[_regions.Length * 2];
                for (int i = 0; i < _count; i++)
                    bigger[i] = _regions[i];
                _regions = bigger;
            }
            int index = IndexOfFirstEndingAfter(region.Start);
            for (int i = _count; i > index; i--)
                _regions[i] = _regions[i - 1];
            _regions[index] = region;
            _count++;
        }

        public void RemoveAt(int index)
        {
            for (int i = index; i < _count - 1; i++)
                _regions[i] = _regions[i + 1];
            _regions[--_count] = null;
        }

        // Make region boundaries fall exactly at start and end, splitting regions that
        // straddle them, so [start, end) is covered by whole regions.
        public void SplitAround(ulong start, ulong end)
        {
            Region first = Find(start);
            if (first != null && first.Start < start)
                Insert(first.SplitAt(start));
            Region last = Find(end - 1);
            if (last != null && last.End > end)
                Insert(last.SplitAt(end));
        }

        // A free gap of `length` bytes at or above `hint`, below `limit`; 0 if none.
        public ulong FindGap(ulong hint, ulong length, ulong lowest, ulong limit)
        {
            ulong candidate = hint < lowest ? lowest : hint;
            int index = IndexOfFirstEndingAfter(candidate);
            while (candidate + length <= limit && candidate + length > candidate)
            {
                if (index >= _count || _regions[index].Start >= candidate + length)
                    return candidate;
                candidate = _regions[index].End;
                index++;
            }
            return 0;
        }
    }
}
