#!/usr/bin/env bash
# Measures what docs/benchmarks.md reports for the boot foundation:
#   clean build time to ISO, ISO and kernel sizes, median QEMU-start-to-banner time
#   (with GRUB's menu skipped by the launcher, and waiting out its countdown).
# Usage: scripts/bench-build-and-boot.sh [boots]   (default 7 boots)
set -euo pipefail
cd "$(dirname "$0")/.."
boots=${1:-7}
./scripts/install-deps.sh >/dev/null
dotnet build CosmosKernel.Launcher -c Release -v quiet -nologo >/dev/null

rm -rf CosmosKernel/bin CosmosKernel/obj CosmosKernel.HAL/bin CosmosKernel.HAL/obj CosmosKernel.Core/bin CosmosKernel.Core/obj \
    CosmosKernel.Userland/bin CosmosKernel.Userland/obj artifacts
start=$(date +%s.%N)
dotnet build CosmosKernel -c Release -v quiet -nologo >/dev/null
end=$(date +%s.%N)
build=$(echo "$end - $start" | bc)

iso=$(stat -c %s artifacts/CosmosKernel.iso)
elf=$(stat -c %s artifacts/kernel.elf)
text=$(size -A artifacts/kernel.elf | awk '$1 == ".text" { print $2 }')

echo "| measure | value |"
echo "|---|---|"
printf "| clean build to ISO (dotnet build CosmosKernel -c Release after deleting bin, obj and artifacts: kernel, corelib, HAL, user programs) | %.1f s |\n" "$build"
printf "| ISO size | %.1f MiB (%d bytes) |\n" "$(echo "$iso / 1048576" | bc -l)" "$iso"
printf "| kernel.elf size (with symbols) / .text | %d KiB / %d KiB |\n" $((elf / 1024)) $((text / 1024))
dotnet run --project CosmosKernel.Launcher -c Release --no-build -- boot-time --runs "$boots" | tee /dev/stderr | \
    awk '/median time to banner/ { printf "| median QEMU start to banner, %s boots (TCG, 1 CPU; the launcher presses Enter in the GRUB menu) | %s s |\n", $8, $5 }'
dotnet run --project CosmosKernel.Launcher -c Release --no-build -- boot-time --runs "$boots" --keep-menu | tee /dev/stderr | \
    awk '/median time to banner/ { printf "| the same, waiting out the GRUB menu countdown (2 s) as a person at the screen would | %s s |\n", $5 }'
