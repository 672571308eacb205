#!/usr/bin/env bash
# Build the kernel ISO and boot it in QEMU. Installs missing Debian packages first.
# With a display, QEMU opens a window; without one (or with --headless) the kernel's
# console appears here and QEMU exits when the kernel is done.
# Extra arguments go to the launcher, e.g. ./run.sh --smp 4 --options "selftest=pagefault"
#   ./run.sh --install-only   only install the packages
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
[ "${1:-}" = "--install-only" ] && exit 0
echo "[run] building the kernel ISO (dotnet build CosmosKernel -c Release)"
dotnet build CosmosKernel -c Release -v quiet -nologo
echo "[run] booting artifacts/CosmosKernel.iso"
exec dotnet run --project CosmosKernel.Launcher -c Release -- run "$@"
