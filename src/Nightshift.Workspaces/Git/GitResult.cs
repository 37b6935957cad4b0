namespace Nightshift.Workspaces.Git;

internal sealed record GitResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last lines of stderr, for a message a person reads.</summary>
    public string Explanation()
    {
        var lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var text = string.Join(" / ", lines.TakeLast(4));
        return text.Length == 0 ? $"git exited with code {ExitCode}" : text;
    }
}
