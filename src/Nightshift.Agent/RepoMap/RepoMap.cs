using System.Text;
using System.Text.Json;

namespace Nightshift.Agent.RepoMap;

/// <summary>
/// A map of a repository for a prompt: files with their one-line summaries, symbols and local imports. Built once
/// per commit (see <see cref="RepoMapBuilder"/>), rendered to any token budget as often as needed.
/// </summary>
public sealed class RepoMap(string? commit, IReadOnlyList<RepoMapFile> files, RepoMapStats stats)
{
    private const int CharsPerToken = 4;
    private const int MaxSymbolsShown = 25;

    public string? Commit { get; } = commit;

    /// <summary>Every mapped file, in path order.</summary>
    public IReadOnlyList<RepoMapFile> Files { get; } = files;

    public RepoMapStats Stats { get; } = stats;

    /// <summary>The same estimate the agent loop uses: about four characters per token.</summary>
    public static int EstimateTokens(string text) => (text.Length + CharsPerToken - 1) / CharsPerToken;

    /// <summary>
    /// The map as prompt text within <paramref name="tokenBudget"/> (estimated). Files are chosen most important
    /// first — matching <paramref name="focusWords"/>, imported by many files, entry points, manifests — shown in
    /// full (summary and symbols) while they fit, then as bare paths, and listed in path order.
    /// </summary>
    public string Render(int tokenBudget, IEnumerable<string>? focusWords = null)
    {
        var words = (focusWords ?? [])
            .Where(w => !string.IsNullOrWhiteSpace(w))
            .Select(w => w.Trim().ToLowerInvariant())
            .Where(w => w.Length >= 3)
            .Distinct(StringComparer.Ordinal)
            .Take(50)
            .ToList();
        var ranked = Files
            .Select(f => (File: f, Score: Score(f, words)))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.File.Path, StringComparer.Ordinal)
            .Select(x => x.File)
            .ToList();

        var header = $"Repository map ({Files.Count} files{(Commit is null ? "" : $" at {Commit[..Math.Min(12, Commit.Length)]}")}; most relevant files in full, others by path):\n";
        const string MoreTemplate = "… and 000000 more files not shown\n";
        var budgetChars = (long)Math.Max(0, tokenBudget) * CharsPerToken;
        var used = header.Length + MoreTemplate.Length;
        if (used > budgetChars)
        {
            return "";
        }

        var chosen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in ranked)
        {
            var full = Block(file, withDetails: true);
            if (used + full.Length <= budgetChars)
            {
                chosen[file.Path] = full;
                used += full.Length;
                continue;
            }
            var bare = Block(file, withDetails: false);
            if (used + bare.Length <= budgetChars)
            {
                chosen[file.Path] = bare;
                used += bare.Length;
            }
            else if (bare.Length < 64)
            {
                // Even a short path no longer fits: stop rather than scan thousands more for a shorter one.
                break;
            }
        }

        var text = new StringBuilder(header);
        foreach (var path in chosen.Keys.Order(StringComparer.Ordinal))
        {
            text.Append(chosen[path]);
        }
        if (chosen.Count < Files.Count)
        {
            text.Append("… and ").Append(Files.Count - chosen.Count).Append(" more files not shown\n");
        }
        return text.ToString();
    }

    private static double Score(RepoMapFile file, List<string> words)
    {
        var score = Math.Min(file.ReferencedBy, 50) * 10.0;
        if (Languages.IsEntryPoint(file.Path))
        {
            score += 40;
        }
        if (Languages.IsManifest(file.Path))
        {
            score += 30;
        }
        if (file.Language is not null)
        {
            score += 5 + Math.Min(file.Symbols.Count, 10);
        }
        score -= file.Path.Count(c => c == '/');
        if (words.Count > 0)
        {
            var path = file.Path.ToLowerInvariant();
            foreach (var word in words)
            {
                if (path.Contains(word, StringComparison.Ordinal))
                {
                    score += 200;
                }
                else if (file.Symbols.Any(s => s.Name.Contains(word, StringComparison.OrdinalIgnoreCase))
                    || (file.Summary?.Contains(word, StringComparison.OrdinalIgnoreCase) ?? false))
                {
                    score += 100;
                }
            }
        }
        return score;
    }

    private static string Block(RepoMapFile file, bool withDetails)
    {
        var text = new StringBuilder(ShowPath(file.Path));
        if (!withDetails)
        {
            return text.Append('\n').ToString();
        }
        if (file.ReferencedBy > 0)
        {
            text.Append(" [imported by ").Append(file.ReferencedBy).Append(']');
        }
        if (file.Summary is { Length: > 0 } summary)
        {
            text.Append(" — ").Append(summary);
        }
        text.Append('\n');
        if (file.Symbols.Count > 0)
        {
            text.Append("  ");
            text.AppendJoin(", ", file.Symbols.Take(MaxSymbolsShown).Select(s => $"{s.Kind} {(s.Scope is null || s.Kind is not "method" ? "" : s.Scope + ".")}{s.Name}:{s.Line}"));
            if (file.Symbols.Count > MaxSymbolsShown)
            {
                text.Append(", …+").Append(file.Symbols.Count - MaxSymbolsShown);
            }
            text.Append('\n');
        }
        if (file.Imports.Count > 0)
        {
            text.Append("  imports: ").AppendJoin(", ", file.Imports.Take(10).Select(ShowPath));
            if (file.Imports.Count > 10)
            {
                text.Append(", …+").Append(file.Imports.Count - 10);
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A path with newlines, quotes or control characters is shown JSON-quoted so it cannot forge lines of the map.</summary>
    private static string ShowPath(string path) =>
        path.Any(c => char.IsControl(c) || c is '"' or '\\' or '\u2028' or '\u2029' || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069')
            ? JsonSerializer.Serialize(path)
            : path;
}
