using System.Text;

namespace Nightshift.Core.Forges;

/// <summary>
/// The diff kept with a pull request, bounded: a change larger than the store keeps is cut at a line boundary and ends
/// with one marker line that says so and names the branch holding the whole change.
/// </summary>
public static class PullRequestDiff
{
    /// <summary>What the marker line starts with; diff readers skip it (it is outside any hunk's + - or space lines).</summary>
    public const string CutMarker = "# Nightshift cut this diff";

    /// <summary>
    /// <paramref name="diff"/> when it fits in <paramref name="maxBytes"/> UTF-8 bytes; otherwise its longest run of whole
    /// lines that leaves room for the marker, then the marker line.
    /// </summary>
    public static string Cap(string diff, int maxBytes, string branch)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(branch);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1024);
        var total = Encoding.UTF8.GetByteCount(diff);
        if (total <= maxBytes)
        {
            return diff;
        }
        var safeBranch = new string([.. branch.Take(200).Select(c => char.IsControl(c) ? ' ' : c)]);
        var marker = $"{CutMarker}: it is {total} bytes and only the first {maxBytes} are kept; the whole change is on branch {safeBranch}\n";
        // One byte more for the newline a mid-line cut needs before the marker.
        var room = maxBytes - Encoding.UTF8.GetByteCount(marker) - 1;
        // Walk whole characters so a cut never splits a surrogate pair or a multi-byte character.
        var bytes = 0;
        var end = 0;
        var lastLineEnd = 0;
        while (end < diff.Length)
        {
            var width = char.IsHighSurrogate(diff[end]) && end + 1 < diff.Length && char.IsLowSurrogate(diff[end + 1]) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(diff.AsSpan(end, width));
            if (bytes + size > room)
            {
                break;
            }
            bytes += size;
            end += width;
            if (diff[end - 1] == '\n')
            {
                lastLineEnd = end;
            }
        }
        // One line longer than the whole cap (a minified file) is cut mid-line rather than dropped entirely.
        var keep = lastLineEnd > 0 ? lastLineEnd : end;
        var head = diff[..keep];
        return head.EndsWith('\n') || head.Length == 0 ? head + marker : head + "\n" + marker;
    }

    /// <summary>True when <paramref name="diff"/> was cut by <see cref="Cap"/>.</summary>
    public static bool IsCut(string? diff)
    {
        if (diff is null || diff.Length < 2 || !diff.EndsWith('\n'))
        {
            return false;
        }
        var start = diff.LastIndexOf('\n', diff.Length - 2) + 1;
        return diff.AsSpan(start).StartsWith(CutMarker, StringComparison.Ordinal);
    }
}
