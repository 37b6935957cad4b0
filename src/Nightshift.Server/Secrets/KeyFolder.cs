namespace Nightshift.Server.Secrets;

/// <summary>The folder of the key ring's files: made readable by the server's user alone.</summary>
internal static class KeyFolder
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder (0700), or takes group and other access away from one that exists.</summary>
    public static void Prepare(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, OwnerOnly);
        }
        if ((File.GetUnixFileMode(folder) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(folder, OwnerOnly);
        }
    }
}
