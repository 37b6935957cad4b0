namespace Nightshift.Server.Dashboard;

/// <summary>Reads <c>git diff</c> output into files and hunks for the page that works without scripts.</summary>
internal static class DiffParser
{
    public static IReadOnlyList<DiffFile> Parse(string diff)
    {
        var files = new List<DiffFile>();
        string? path = null;
        List<DiffHunk>? hunks = null;
        string? header = null;
        List<DiffLine>? lines = null;

        void EndHunk()
        {
            if (header is not null && hunks is not null)
            {
                hunks.Add(new DiffHunk(header, lines!));
            }
            header = null;
            lines = null;
        }
        void EndFile()
        {
            EndHunk();
            if (path is not null)
            {
                files.Add(new DiffFile(path, hunks!));
            }
            path = null;
            hunks = null;
        }

        foreach (var raw in diff.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                EndFile();
                var b = line.LastIndexOf(" b/", StringComparison.Ordinal);
                path = b >= 0 ? line[(b + 3)..] : line[11..];
                hunks = [];
            }
            else if (path is not null && header is null && line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                var target = line[4..];
                if (target != "/dev/null")
                {
                    path = target.StartsWith("b/", StringComparison.Ordinal) ? target[2..] : target;
                }
            }
            else if (path is not null && line.StartsWith("@@", StringComparison.Ordinal))
            {
                EndHunk();
                header = line;
                lines = [];
            }
            else if (lines is not null && line.Length > 0 && line[0] is '+' or '-' or ' ')
            {
                lines.Add(new DiffLine(line[0], line[1..]));
            }
        }
        EndFile();
        return files;
    }
}
