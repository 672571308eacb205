using CosmosKernel.Memory;

using CosmosKernel.Abi;

namespace CosmosKernel.Processes
{
    // Loads a static ELF64 x86-64 executable into an address space: each PT_LOAD
    // segment becomes a private file-backed region (pages load on first touch), the
    // part of the last file page past p_filesz is zeroed, and the rest of p_memsz
    // (.bss) is anonymous memory. Shared by the kernel and the host tests.
    public sealed unsafe class ElfImage
    {
        public const ulong HeaderSize = 64;
        private const ulong ProgramHeaderBytes = 56; // the fields read of each (Elf64_Phdr)
        private const uint PtLoad = 1;
        private const uint FlagExecute = 1, FlagWrite = 2, FlagRead = 4;

        public ulong Entry;
        public ulong ProgramHeaders;     // user address of the program headers (AT_PHDR)
        public ulong ProgramHeaderSize;
        public ulong ProgramHeaderCount;
        public ulong End;                // first page after the highest segment (start of brk)
        public string Error;             // why loading failed, or null

        // Null Error on success. Errors are a message, never a panic: the file is user data.
        public static ElfImage Load(RamdiskFile file, AddressSpace space, Memory.UserCopy.UserCopier copier)
            => Load(FileBacking.Of(file), space, copier);

        public static ElfImage Load(FileBacking file, AddressSpace space, Memory.UserCopy.UserCopier copier)
        {
            var image = new ElfImage();
            byte* data = stackalloc byte[(int)HeaderSize];
            if (file.Length < HeaderSize)
                return image.Fail("not an ELF file");
            file.Read(0, data, HeaderSize);
            if (data[0] != 0x7F || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
                return image.Fail("not an ELF file");
            if (data[4] != 2 || data[5] != 1)
                return image.Fail("not a little-endian 64-bit ELF");
            if (*(ushort*)(data + 16) != 2)
                return image.Fail("not a static executable (ET_EXEC)");
            if (*(ushort*)(data + 18) != 0x3E)
                return image.Fail("not an x86-64 executable");
            image.Entry = *(ulong*)(data + 24);
            ulong phoff = *(ulong*)(data + 32);
            image.ProgramHeaderSize = *(ushort*)(data + 54);
            image.ProgramHeaderCount = *(ushort*)(data + 56);
            if (image.ProgramHeaderSize < ProgramHeaderBytes || phoff > file.Length
                || image.ProgramHeaderCount * image.ProgramHeaderSize > file.Length - phoff)
                return image.Fail("program headers out of bounds");

            byte* header = stackalloc byte[(int)ProgramHeaderBytes];
            for (ulong i = 0; i < image.ProgramHeaderCount; i++)
            {
                file.Read(phoff + i * image.ProgramHeaderSize, header, ProgramHeaderBytes);
                if (*(uint*)header != PtLoad)
                    continue;
                string error = image.MapSegment(header, file, space, copier, phoff);
                if (error != null)
                    return image.Fail(error);
            }
            if (image.End == 0)
                return image.Fail("no loadable segment");
            if (image.Entry < Paging.UserSpaceStart || image.Entry >= image.End)
                return image.Fail("entry point outside the loaded segments");
            return image;
        }

        private string MapSegment(byte* header, FileBacking file, AddressSpace space, Memory.UserCopy.UserCopier copier, ulong phoff)
        {
            uint flags = *(uint*)(header + 4);
            ulong offset = *(ulong*)(header + 8);
            ulong vaddr = *(ulong*)(header + 16);
            ulong fileSize = *(ulong*)(header + 32);
            ulong memorySize = *(ulong*)(header + 40);
            if (fileSize > memorySize || offset > file.Length || fileSize > file.Length - offset)
                return "segment out of bounds";
            if ((offset & Paging.PageMask) != (vaddr & Paging.PageMask))
                return "segment not page-aligned with its file offset";
            ulong start = Paging.PageDown(vaddr);
            ulong end = Paging.PageUp(vaddr + memorySize);
            if (!Memory.UserCopy.UserCopier.RangeIsUser(start, end - start) || start < Paging.UserSpaceStart)
                return "segment outside user space";

            int protection = ((flags & FlagRead) != 0 ? Prot.Read : 0) | ((flags & FlagWrite) != 0 ? Prot.Write : 0)
                | ((flags & FlagExecute) != 0 ? Prot.Exec : 0);
            ulong fileEnd = Paging.PageUp(vaddr + fileSize);
            if (fileSize > 0)
            {
                // Map writable first so the tail of the last file page can be zeroed.
                long mapped = space.Map(start, fileEnd - start, protection | Prot.Write, MapFlags.Private | MapFlags.Fixed,
                    file, Paging.PageDown(offset));
                if (mapped < 0)
                    return "mmap of a segment failed";
                ulong tail = fileEnd - (vaddr + fileSize);
                if (tail > 0 && copier.ClearUser(space, vaddr + fileSize, tail) != 0)
                    return "could not zero the end of a segment";
                if ((protection & Prot.Write) == 0 && space.Protect(start, fileEnd - start, protection) != 0)
                    return "mprotect of a segment failed";
            }
            else
            {
                fileEnd = start;
            }
            if (end > fileEnd && space.Map(fileEnd, end - fileEnd, protection, MapFlags.Private | MapFlags.Anonymous | MapFlags.Fixed, null, 0) < 0)
                return "mmap of .bss failed";
            if (offset <= phoff && phoff < offset + fileSize)
                ProgramHeaders = vaddr + (phoff - offset);
            if (end > End)
                End = end;
            return null;
        }

        private ElfImage Fail(string message)
        {
            Error = message;
            return this;
        }
    }
}
