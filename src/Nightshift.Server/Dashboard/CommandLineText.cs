using System.Globalization;
using System.Text;

namespace Nightshift.Server.Dashboard;

/// <summary>
/// A command line as the task page shows it: control and format characters (escape sequences, bidirectional overrides,
/// line breaks) written out as visible escapes (<c>\n</c>, <c>\x1b</c>, <c>\u202e</c>) so what a person reads is what
/// ran, cut at a length a table cell can hold. HTML encoding is still the page's.
/// </summary>
internal static class CommandLineText
{
    public const int MaxChars = 300;

    public static string Visible(string? command, int maxChars = MaxChars)
    {
        if (string.IsNullOrEmpty(command))
        {
            return "";
        }
        var text = new StringBuilder(Math.Min(command.Length, maxChars) + 16);
        foreach (var c in command)
        {
            if (text.Length >= maxChars)
            {
                text.Append('…');
                break;
            }
            switch (c)
            {
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else if (char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }
                    break;
            }
        }
        return text.ToString();
    }

    /// <summary>"812 B", "14.2 KB", "3.1 MB".</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        < 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / (1024.0 * 1024 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " GB",
    };

    /// <summary>"420 ms", "12.3 s", "4 min 05 s".</summary>
    public static string Duration(TimeSpan time) => time.TotalSeconds switch
    {
        < 1 => $"{(int)time.TotalMilliseconds} ms",
        < 60 => time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        _ => $"{(int)time.TotalMinutes} min {time.Seconds:00} s",
    };
}
