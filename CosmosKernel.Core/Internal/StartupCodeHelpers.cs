using System;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime.CompilerHelpers
{
    // Runtime start-up: before any managed code touches a static reference field, walk
    // the modules ILC registered in the `__modules` section and allocate each type's
    // GC static block (see docs/runtime.md).
    public static unsafe class StartupCodeHelpers
    {
        private const uint ReadyToRunSignature = 0x00525452; // "RTR"
        private const int GCStaticRegionSection = 201;

        private const nint GCStaticUninitialized = 1;
        private const nint GCStaticHasPreInitializedData = 2;
        private const nint GCStaticFlagMask = 3;

        private struct ReadyToRunHeader
        {
            public uint Signature;
            public ushort MajorVersion;
            public ushort MinorVersion;
            public uint Flags;
            public ushort NumberOfSections;
            public byte EntrySize;
            public byte EntryType;
        }

        private struct ModuleInfoRow
        {
            public int SectionId;
            public int Flags;
            public byte* Start;
            public byte* End;
        }

        private static bool s_initialized;

        public static void InitializeRuntime()
        {
            if (s_initialized)
                return;
            s_initialized = true;
            byte** module = (byte**)RuntimeImports.ModulesStart();
            byte** end = (byte**)RuntimeImports.ModulesEnd();
            for (; module < end; module++)
            {
                var header = (ReadyToRunHeader*)*module;
                if (header == null)
                    continue;
                if (header->Signature != ReadyToRunSignature)
                    RuntimePanic.Fail("__modules entry without a ReadyToRun header");
                var rows = (ModuleInfoRow*)(header + 1);
                for (int i = 0; i < header->NumberOfSections; i++)
                    if (rows[i].SectionId == GCStaticRegionSection)
                        InitializeGCStatics(rows[i].Start, rows[i].End);
            }
        }

        // The region holds 32-bit relative pointers to the blocks; each block initially
        // holds a relative pointer to the static base's MethodTable tagged in its low
        // bits, and is replaced by the address of a freshly allocated object.
        private static void InitializeGCStatics(byte* regionStart, byte* regionEnd)
        {
            for (byte* entry = regionStart; entry < regionEnd; entry += sizeof(int))
            {
                nint* block = (nint*)ReadRelativePointer(entry);
                nint value = (nint)ReadRelativePointer(block);
                if ((value & GCStaticUninitialized) == 0)
                    continue;
                var type = (MethodTable*)(value & ~GCStaticFlagMask);
                object instance = RuntimeImports.NewObject(type);
                if ((value & GCStaticHasPreInitializedData) != 0)
                {
                    byte* data = (byte*)ReadRelativePointer((int*)block + 1);
                    byte* target = *(byte**)Unsafe.AsPointer(ref instance) + sizeof(void*);
                    System.Buffer.Memmove(target, data, type->BaseSize - (nuint)(2 * sizeof(void*)));
                }
                *block = *(nint*)Unsafe.AsPointer(ref instance);
            }
        }

        private static void* ReadRelativePointer(void* address) => (byte*)address + *(int*)address;

        // Called around every [UnmanagedCallersOnly] method: nothing to attach, no GC.
        [RuntimeExport("RhpReversePInvoke")]
        private static void RhpReversePInvoke(IntPtr frame) { }

        [RuntimeExport("RhpReversePInvokeReturn")]
        private static void RhpReversePInvokeReturn(IntPtr frame) { }
    }
}
