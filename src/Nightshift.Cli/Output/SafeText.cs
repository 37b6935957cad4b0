using System.Text;
using System.Text.RegularExpressions;

namespace Nightshift.Cli.Output;

/// <summary>
/// Text from the server (titles, command output, model text) can carry terminal escape sequences;
/// it is flattened to printable characters before it reaches a terminal.
/// </summary>
internal static partial class SafeText
{
    public static string Clean(string? text, int maxChars = int.MaxValue)
    {
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
