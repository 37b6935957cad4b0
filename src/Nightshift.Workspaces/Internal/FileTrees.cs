namespace Nightshift.Workspaces.Internal;

/// <summary>Deletes folders the agent may have filled with read-only directories and symbolic links, without following links.</summary>
internal static class FileTrees
{
    public static void Delete(string path)
    {
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            return;
        }
        if (new FileInfo(path).LinkTarget is not null)
        {
            File.Delete(path);
            return;
        }
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (UnauthorizedAccessException)
        {
            MakeWritable(path);
            Directory.Delete(path, recursive: true);
        }
        catch (IOException) when (Directory.Exists(path))
        {
            MakeWritable(path);
            Directory.Delete(path, recursive: true);
        }
    }

    public static long Size(string path)
    {
        if (!Directory.Exists(path))
        {
            return 0;
        }
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        return new DirectoryInfo(path).EnumerateFiles("*", options).Sum(f => f.LinkTarget is null ? f.Length : 0);
    }

    private static void MakeWritable(string root)
    {
        const UnixFileMode Full = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            var info = new DirectoryInfo(dir);
            if (info.LinkTarget is not null)
            {
                continue;
            }
            // chmod follows links, so only real directories are touched.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(dir, info.UnixFileMode | Full);
            }
            foreach (var child in info.EnumerateDirectories("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true }))
            {
                if (child.LinkTarget is null)
                {
                    pending.Push(child.FullName);
                }
            }
        }
    }
}
