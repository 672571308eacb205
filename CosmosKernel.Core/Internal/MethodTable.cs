using System;

namespace Internal.Runtime
{
    // The type descriptor ILC emits for every type (a contract with the compiler;
    // the layout is NativeAOT's MethodTable on x64):
    //   +0  uint   flags: high 16 bits EETypeFlags, low 16 bits component size
    //              (arrays, strings) or extended flags
    //   +4  uint   base size (object size for classes; header size for arrays)
    //   +8  MT*    related type: base class, or element type of an array/pointer
    //   +16 ushort number of vtable slots
    //   +18 ushort number of interfaces
    //   +20 uint   hash code
    //   +24        vtable slots, then the interface map (one MT* per interface),
    //              then optional fields located through the flags
    public unsafe struct MethodTable
    {
        internal uint _uFlags;
        internal uint _uBaseSize;
        internal MethodTable* _relatedType;
        internal ushort _usNumVtableSlots;
        internal ushort _usNumInterfaces;
        internal uint _uHashCode;

        internal const uint EETypeKindMask = 0x00030000;
        internal const uint ParameterizedKind = 0x00020000;
        internal const uint HasComponentSizeFlag = 0x80000000;
        internal const uint ElementTypeMask = 0x7C000000;
        internal const int ElementTypeShift = 26;
        internal const uint ElementTypeInterface = 0x15;
        internal const uint ElementTypeArray = 0x16; // multi-dimensional
        internal const uint ElementTypeSzArray = 0x17;

        public uint BaseSize => _uBaseSize;
        public ushort ComponentSize => (_uFlags & HasComponentSizeFlag) != 0 ? (ushort)_uFlags : (ushort)0;
        public bool HasComponentSize => (_uFlags & HasComponentSizeFlag) != 0;
        public uint ElementType => (_uFlags & ElementTypeMask) >> ElementTypeShift;
        public bool IsInterface => ElementType == ElementTypeInterface;
        public bool IsArray => ElementType == ElementTypeSzArray || ElementType == ElementTypeArray;
        public bool IsParameterized => (_uFlags & EETypeKindMask) == ParameterizedKind;
        // Element types below Interface are primitives, enums, structs and Nullable.
        public bool IsValueType => ElementType < ElementTypeClass;
        internal const uint ElementTypeClass = 0x14;
        public ushort NumVtableSlots => _usNumVtableSlots;
        public ushort NumInterfaces => _usNumInterfaces;

        // Base class for classes and structs; null for System.Object and interfaces.
        public MethodTable* BaseType => IsParameterized ? null : _relatedType;

        // Element type of arrays and pointer types.
        public MethodTable* RelatedParameterType => IsParameterized ? _relatedType : null;

        public IntPtr* VTable
        {
            get
            {
                fixed (MethodTable* self = &this)
                    return (IntPtr*)((byte*)self + sizeof(MethodTable));
            }
        }

        public MethodTable** InterfaceMap => (MethodTable**)(VTable + _usNumVtableSlots);

        // Optional fields follow the interface map as 32-bit relative pointers, in this
        // order: TypeManager indirection, writable data, dispatch map (if
        // HasDispatchMapFlag), finalizer (if HasFinalizerFlag), sealed virtual slots (if
        // HasSealedVTableEntriesFlag).
        internal const uint HasDispatchMapFlag = 0x00040000;
        internal const uint HasFinalizerFlag = 0x00100000;
        internal const uint HasSealedVTableEntriesFlag = 0x00400000;

        private int* OptionalFields => (int*)(InterfaceMap + _usNumInterfaces);

        private static byte* ReadRelative(int* field) => (byte*)field + *field;

        public byte* DispatchMap => (_uFlags & HasDispatchMapFlag) != 0 ? ReadRelative(OptionalFields + 2) : null;

        private int* SealedVirtualSlots
        {
            get
            {
                if ((_uFlags & HasSealedVTableEntriesFlag) == 0)
                    return null;
                int* entry = OptionalFields + 2;
                if ((_uFlags & HasDispatchMapFlag) != 0) entry++;
                if ((_uFlags & HasFinalizerFlag) != 0) entry++;
                return (int*)ReadRelative(entry);
            }
        }

        // Code address of a virtual slot; slots past the vtable are sealed virtuals,
        // kept in a separate table of relative pointers.
        public IntPtr GetSlot(ushort slot)
        {
            if (slot < _usNumVtableSlots)
                return VTable[slot];
            int* sealedSlots = SealedVirtualSlots;
            if (sealedSlots == null)
                RuntimePanic.Fail("virtual slot out of range and no sealed virtual slots");
            return (IntPtr)ReadRelative(sealedSlots + (slot - _usNumVtableSlots));
        }
    }
}
