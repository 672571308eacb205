using System;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime
{
    // Resolves interface calls ILC could not devirtualize (see the stub
    // RhpInitialDynamicInterfaceDispatch in CosmosKernel/Boot/cpu.asm).
    //
    // A call site's dispatch cells: cell[0] = { stub, cache }, where cache is the
    // interface's MethodTable as a relative pointer from &cache, tagged 3 in its low
    // bits; the cell that ends the block has stub 0 and holds the interface slot.
    // The implementation comes from the object type's dispatch map (interface index,
    // interface slot) -> implementation slot, searched up the base-type chain.
    internal static unsafe class InterfaceDispatch
    {
        private struct DispatchCell
        {
            public IntPtr Stub;
            public nint Cache;
        }

        private struct DispatchMapHeader
        {
            public ushort StandardEntryCount;
            public ushort DefaultEntryCount;
            public ushort StandardStaticEntryCount;
            public ushort DefaultStaticEntryCount;
        }

        private struct DispatchMapEntry
        {
            public ushort InterfaceIndex;
            public ushort InterfaceMethodSlot;
            public ushort ImplementationSlot;
        }

        private const nint CacheFlagMask = 3;
        private const nint CachePointerIsInterfacePointer = 1;
        private const nint CachePointerIsInterfaceRelativePointer = 3;

        [RuntimeExport("RhpResolveInterfaceDispatch")]
        private static IntPtr Resolve(object thisObject, DispatchCell* cell)
        {
            if (thisObject == null)
                CompilerHelpers.ThrowHelpers.ThrowNullReferenceException();
            MethodTable* interfaceType = InterfaceOf(cell);
            DispatchCell* terminator = cell;
            while (terminator->Stub != IntPtr.Zero)
                terminator++;
            ushort slot = (ushort)terminator->Cache;

            for (MethodTable* type = thisObject.m_pMethodTable; type != null; type = type->BaseType)
            {
                IntPtr target = FindImplementation(type, interfaceType, slot);
                if (target != IntPtr.Zero)
                    return target;
            }
            RuntimePanic.Fail("interface dispatch: no implementation found (default interface methods and variance are not supported)");
            return IntPtr.Zero;
        }

        private static MethodTable* InterfaceOf(DispatchCell* cell)
        {
            nint cache = cell->Cache;
            nint flags = cache & CacheFlagMask;
            if (flags == CachePointerIsInterfaceRelativePointer)
                return (MethodTable*)((byte*)&cell->Cache + (int)(cache & ~CacheFlagMask));
            if (flags == CachePointerIsInterfacePointer)
                return (MethodTable*)(cache & ~CacheFlagMask);
            RuntimePanic.Fail("interface dispatch: unsupported dispatch cell format");
            return null;
        }

        private static IntPtr FindImplementation(MethodTable* type, MethodTable* interfaceType, ushort slot)
        {
            byte* map = type->DispatchMap;
            if (map == null)
                return IntPtr.Zero;
            MethodTable** interfaces = type->InterfaceMap;
            var header = (DispatchMapHeader*)map;
            var entries = (DispatchMapEntry*)(header + 1);
            for (int i = 0; i < header->StandardEntryCount; i++)
            {
                DispatchMapEntry* entry = &entries[i];
                if (entry->InterfaceMethodSlot != slot || entry->InterfaceIndex >= type->NumInterfaces)
                    continue;
                if (interfaces[entry->InterfaceIndex] == interfaceType)
                    return type->GetSlot(entry->ImplementationSlot);
            }
            return IntPtr.Zero;
        }
    }
}
