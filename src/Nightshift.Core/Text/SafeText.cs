using System.Text;
using System.Text.RegularExpressions;

namespace Nightshift.Core.Text;

/// <summary>
/// Text from a task (titles, command output, model text) can carry terminal escape sequences, bidirectional overrides
/// and line breaks; it is flattened to one line of printable characters before it reaches a terminal or a one-line
/// summary (<see cref="Events.EventSummary"/>).
/// </summary>
public static partial class SafeText
{
    /// <summary>One line of printable text, at most <paramref name="maxChars"/> long (cut with "…").</summary>
    public static string Clean(string? text, int maxChars = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        // Whole escape sequences go, so colour codes leave no "[31m" behind; lone control characters become spaces below.
        text = EscapeSequence().Replace(text, "");
        var builder = new StringBuilder(Math.Min(text.Length, maxChars == int.MaxValue ? text.Length : maxChars + 1));
        var lastWasSpace = false;
        foreach (var c in text)
        {
            var safe = char.IsControl(c) || char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Format ? ' ' : c;
            if (safe == ' ' && lastWasSpace)
            {
                continue;
            }
            lastWasSpace = safe == ' ';
            builder.Append(safe);
            if (builder.Length > maxChars)
            {
                break;
            }
        }
        var result = builder.ToString().Trim();
        return result.Length <= maxChars ? result : result[..Math.Max(0, maxChars - 1)] + "…";
    }

    [GeneratedRegex(@"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")]
    private static partial Regex EscapeSequence();
}
