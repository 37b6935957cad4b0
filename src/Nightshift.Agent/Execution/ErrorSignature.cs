using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Nightshift.Agent.Verification;

namespace Nightshift.Agent.Execution;

/// <summary>
/// What a failed verification round looks like once the noise is gone, so rounds failing "the same way" compare equal:
/// the sorted names of the tests that newly fail, or, when the runner names none, the head of each failing command's
/// output with numbers, paths, addresses and timings blanked out.
/// </summary>
/// <param name="Key">32 hex characters; equal keys mean the same failure.</param>
/// <param name="Description">what the key was computed from, clipped, for events and prompts.</param>
public sealed partial record ErrorSignature(string Key, string Description)
{
    private const int HeadLines = 12;
    private const int MaxDescription = 300;

    /// <summary>The signature of a failed round; null when it passed.</summary>
    public static ErrorSignature? Of(VerificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Passed)
        {
            return null;
        }
        var failing = result.Checks.Where(c => !c.Passed).ToList();
        var named = failing
            .SelectMany(c => c.FailingTests)
            .Where(t => !result.PreExistingFailures.Contains(t))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (named.Count > 0)
        {
            return Create("tests: " + string.Join(", ", named));
        }
        var text = new StringBuilder();
        foreach (var check in failing)
        {
            text.Append(check.Command).Append(check.TimedOut ? " (timed out)" : "").Append(":\n").Append(NormalizeHead(check.Output)).Append('\n');
        }
        return Create(text.Length == 0 ? "failed without output" : text.ToString().TrimEnd());
    }

    /// <summary>
    /// The first meaningful lines of <paramref name="output"/> with what changes from run to run replaced: paths by
    /// &lt;path&gt;, hex ids by &lt;hex&gt;, numbers (timings, line numbers, counts, pids) by #, and runs of spaces by one.
    /// </summary>
    public static string NormalizeHead(string? output)
    {
        var lines = (output ?? "")
            .Split('\n')
            .Select(NormalizeLine)
            .Where(l => l.Length > 0)
            .Take(HeadLines);
        return string.Join('\n', lines);
    }

    private static string NormalizeLine(string line)
    {
        var text = line.Trim();
        text = UrlOrPath().Replace(text, "<path>");
        text = Hex().Replace(text, "<hex>");
        text = Number().Replace(text, "#");
        text = Spaces().Replace(text, " ");
        return text.Length <= 200 ? text : text[..200];
    }

    private static ErrorSignature Create(string basis)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(basis));
        var description = basis.ReplaceLineEndings(" ⏎ ");
        return new ErrorSignature(
            Convert.ToHexStringLower(hash.AsSpan(0, 16)),
            description.Length <= MaxDescription ? description : description[..MaxDescription] + "…");
    }

    // file:///x, /abs/path, ./rel/path, C:\win\path and word/word.ext — anything with a separator that names a place.
    [GeneratedRegex(@"(file://)?([A-Za-z]:\\|\.{0,2}/)?[\w.\-@]+([/\\][\w.\-@]+)+(:\d+)*|(?<![\w/])/[\w.\-@]+(:\d+)*", RegexOptions.CultureInvariant)]
    private static partial Regex UrlOrPath();

    [GeneratedRegex(@"\b(0x)?[0-9a-f]{7,}\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Hex();

    [GeneratedRegex(@"\d+([.,:]\d+)*", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();
}
