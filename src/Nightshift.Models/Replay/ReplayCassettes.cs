using Nightshift.Models.Errors;

namespace Nightshift.Models.Replay;

/// <summary>
/// Where <c>replay/&lt;path&gt;</c> may read from: regular files inside <c>Models:ReplayDirectory</c> only, reached
/// without symbolic links, and no larger than a recording can be. A model string is untrusted input (a task carries
/// it), so anything else — <c>/dev/zero</c>, <c>../../etc/passwd</c>, a link or a FIFO in the folder — is refused
/// with the setting named.
/// </summary>
public sealed class ReplayCassettes
{
    public const string Setting = "Models:ReplayDirectory";
    public const long MaxCassetteBytes = 64L * 1024 * 1024;

    public ReplayCassettes(string? directory)
    {
        Directory = string.IsNullOrWhiteSpace(directory) ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory.Trim()));
    }

    /// <summary>The folder cassettes are read from, or null when replay is off.</summary>
    public string? Directory { get; }

    /// <summary>
    /// The full path of the cassette <paramref name="cassette"/> names (relative to the folder, or absolute inside it),
    /// after checking everything short of its content.
    /// </summary>
    /// <exception cref="ModelConfigurationException">the path is outside the folder, not a regular file, or too large.</exception>
    public string Resolve(string cassette)
    {
        Check(cassette, out var full, out _);
        return full;
    }

    /// <summary>Opens the cassette for reading, refusing it as <see cref="Resolve"/> does; the file cannot be swapped between the check and the read.</summary>
    internal FileStream Open(string cassette, out string full)
    {
        Check(cassette, out full, out var status);
        return FileStatus.OpenSame(full, status)
            ?? throw Refused(cassette, "changed while it was being opened: it is no longer the regular file it was");
    }

    private void Check(string cassette, out string full, out FileStatus status)
    {
        ArgumentNullException.ThrowIfNull(cassette);
        if (Directory is null)
        {
            throw new ModelConfigurationException(
                $"replay is off: no {Setting} is set. Put recordings in a folder and set {Setting} (or NIGHTSHIFT__Models__ReplayDirectory) to it, then name them as replay/<file>");
        }
        var text = cassette.Trim();
        if (text.Length == 0 || text.Any(char.IsControl))
        {
            throw Refused(cassette, "is not a file name");
        }
        full = Path.GetFullPath(Path.IsPathRooted(text) ? text : Path.Combine(Directory, text));
        var relative = Path.GetRelativePath(Directory, full);
        if (relative == "." || relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw Refused(cassette, $"is outside {Directory}");
        }
        if (System.IO.Directory.Exists(Directory) is false)
        {
            throw Refused(cassette, $"cannot be read: the folder {Directory} does not exist");
        }
        // Walk down from the folder: a link anywhere below it could lead out of it.
        var current = Directory;
        var parts = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        FileStatus? last = null;
        for (var i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            last = FileStatus.OfEntry(current);
            var expected = i == parts.Length - 1 ? FileStatusKind.Regular : FileStatusKind.Directory;
            if (last is null)
            {
                throw Refused(cassette, $"does not exist in {Directory}: record one with NIGHTSHIFT_MODEL_RECORD=<file> and move it there, or fix the name after replay/");
            }
            if (last.Value.Kind != expected)
            {
                var what = last.Value.Kind switch
                {
                    FileStatusKind.SymbolicLink => "a symbolic link",
                    FileStatusKind.Directory => "a folder",
                    FileStatusKind.Special => "a FIFO, socket or device",
                    _ => "a file",
                };
                throw Refused(cassette, $"passes through {what} ({Path.GetRelativePath(Directory, current)}); only regular files reached without links are replayed");
            }
        }
        status = last!.Value;
        if (status.Size > MaxCassetteBytes)
        {
            throw Refused(cassette, $"is larger than {MaxCassetteBytes / (1024 * 1024)} MB: it is not a recording Nightshift wrote");
        }
    }

    private ModelConfigurationException Refused(string cassette, string why) =>
        new($"replay cassette '{Shorten(cassette)}' {why}. Replay reads only regular files inside {Setting} ({Directory})");

    private static string Shorten(string text)
    {
        var clean = new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length <= 120 ? clean : clean[..117] + "...";
    }
}
