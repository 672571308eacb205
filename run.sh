#!/usr/bin/env bash
# Build the kernel ISO and boot it in QEMU. Installs missing Debian packages first.
# With a display, QEMU opens a window; without one (or with --headless) the kernel's
# console appears here and QEMU exits when the kernel is done.
# Extra arguments go to the launcher, e.g. ./run.sh --smp 4 --options "selftest=pagefault"
#   ./run.sh --install-only   only install the packages
#   ./run.sh --shell          boot to busybox's shell; without a display, type here
#                             (this terminal is raw meanwhile: ^C goes to the kernel; type exit to end)
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
[ "${1:-}" = "--install-only" ] && exit 0
echo "[run] building the kernel ISO (dotnet build CosmosKernel -c Release)"
dotnet build CosmosKernel -c Release -v quiet -nologo
echo "[run] booting artifacts/CosmosKernel.iso"
# The shell over the serial line: keys go to the kernel as typed, so this terminal
# must neither echo nor edit lines (the kernel's terminal does both).
if [[ " $* " == *" --shell "* ]] && [ -t 0 ] && { [ -z "${DISPLAY:-}" ] || [[ " $* " == *" --headless "* ]]; }; then
    saved=$(stty -g)
    trap 'stty "$saved"' EXIT
    stty raw -echo opost onlcr
    dotnet run --project CosmosKernel.Launcher -c Release -- run "$@"
    exit $?
fi
exec dotnet run --project CosmosKernel.Launcher -c Release -- run "$@"
