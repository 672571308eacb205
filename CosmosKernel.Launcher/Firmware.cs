namespace CosmosKernel.Launcher;

// Locates the OVMF UEFI firmware from Debian's `ovmf` package.
public static class Firmware
{
    private static readonly string[] Candidates =
    [
        "/usr/share/OVMF/OVMF_CODE_4M.fd",
        "/usr/share/OVMF/OVMF_CODE.fd",
        "/usr/share/ovmf/OVMF.fd",
        "/usr/share/qemu/OVMF.fd",
    ];

    public static string FindOvmf() =>
        Candidates.FirstOrDefault(File.Exists)
        ?? throw new LauncherSetupException("no OVMF (UEFI) firmware found: install the Debian package ovmf (./run.sh --install-only)");
}
