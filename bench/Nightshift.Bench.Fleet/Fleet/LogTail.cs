namespace Nightshift.Bench.Fleet.Fleet;

/// <summary>The end of a log file, for messages when something went wrong.</summary>
internal static class LogTail
{
    public static string Read(string path, int lines)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines + 1)).TrimEnd();
        }
        catch (IOException e)
        {
            return $"(could not read {path}: {e.Message})";
        }
    }
}
