# gdb -x scripts/kernel.gdb artifacts/kernel.elf
# after: dotnet run --project CosmosKernel.Launcher -c Release -- run --gdb
# (QEMU waits on localhost:1234 with the CPU stopped at reset).
set pagination off
set confirm off
target remote 127.0.0.1:1234
# Breakpoints by C# file and line need hbreak until the kernel has paged itself in:
# before that, the kernel's higher-half addresses cannot hold a software breakpoint.
#   hbreak Kernel.cs:78
#   continue
