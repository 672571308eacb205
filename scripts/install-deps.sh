#!/usr/bin/env bash
# Installs the Debian packages CosmosKernel needs to build and boot, if any are
# missing. Safe to run again: it does nothing when everything is there.
set -euo pipefail

say() { printf '\033[1;34m[deps]\033[0m %s\n' "$*"; }

if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET SDK (dotnet) is not on PATH. Install the .NET 10 SDK first: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
    exit 1
fi

# package name -> a file or command that shows it is installed
declare -A probes=(
    [qemu-system-x86]="cmd:qemu-system-x86_64"
    [grub-common]="cmd:grub-mkrescue"
    [grub-pc-bin]="dir:/usr/lib/grub/i386-pc"
    [grub-efi-amd64-bin]="dir:/usr/lib/grub/x86_64-efi"
    [xorriso]="cmd:xorriso"
    [mtools]="cmd:mformat"
    [nasm]="cmd:nasm"
    [binutils]="cmd:ld"
    [ovmf]="dir:/usr/share/OVMF"
    [musl-tools]="cmd:musl-gcc"
    [cpio]="cmd:cpio"
    [busybox-static]="static:/bin/busybox"
    [gdb]="cmd:gdb"
)

missing=()
for package in "${!probes[@]}"; do
    probe=${probes[$package]}
    case $probe in
        cmd:*) command -v "${probe#cmd:}" >/dev/null 2>&1 || missing+=("$package") ;;
        dir:*) [ -d "${probe#dir:}" ] || missing+=("$package") ;;
        # a statically linked executable (Debian's dynamic busybox has the same path)
        static:*) { [ -x "${probe#static:}" ] && ! LC_ALL=C ldd "${probe#static:}" >/dev/null 2>&1; } || missing+=("$package") ;;
    esac
done

if [ ${#missing[@]} -eq 0 ]; then
    say "all build and boot packages are installed"
    exit 0
fi

say "missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
    say "installing with sudo (you may be asked for your password)"
else
    echo "error: not root and no sudo. Run as root: apt-get install ${missing[*]}" >&2
    exit 1
fi
say "apt-get update"
"${sudo[@]}" apt-get update -qq
say "apt-get install ${missing[*]}"
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
say "installed: ${missing[*]}"
