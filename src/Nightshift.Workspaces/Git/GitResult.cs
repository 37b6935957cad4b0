using System.Text.RegularExpressions;

namespace Nightshift.Workspaces.Git;

internal sealed partial record GitResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last lines of stderr, for a message a person reads.</summary>
    public string Explanation()
    {
        var lines = Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var text = string.Join(" / ", lines.TakeLast(4));
        if (text.Length == 0)
        {
            return $"git exited with code {ExitCode}";
        }
        return RedirectRefused().IsMatch(Stderr)
            ? text + " (the server answered with a redirect; Nightshift never follows redirects from a repository host, because "
                + "they could lead anywhere the repository policy does not allow: give the repository's final URL instead)"
            : text;
    }

    [GeneratedRegex(@"returned error: 30[12378]\b")]
    private static partial Regex RedirectRefused();
}
