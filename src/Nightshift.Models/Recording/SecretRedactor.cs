using System.Text.RegularExpressions;

namespace Nightshift.Models.Recording;

/// <summary>
/// Removes credentials from text that leaves the process (cassettes, exception messages, logs): the exact values of
/// known keys, plus anything shaped like a key (sk-…, sk-ant-…, AIza…, GitHub tokens, Nightshift's own ns_… API
/// tokens, bearer tokens, key=value pairs).
/// </summary>
public static partial class SecretRedactor
{
    public const string Mask = "[REDACTED]";

    public static string Redact(string? text, IEnumerable<string>? knownSecrets = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }
        var result = text;
        if (knownSecrets is not null)
        {
            // Longest first, so a key that contains another is not left half-masked.
            foreach (var secret in knownSecrets.Where(s => s.Length >= 4).OrderByDescending(s => s.Length))
            {
                result = result.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }
        result = KeyShapes().Replace(result, Mask);
        result = NightshiftTokens().Replace(result, Mask);
        result = Bearer().Replace(result, m => m.Groups[1].Value + Mask);
        result = Assignments().Replace(result, m => m.Groups[1].Value + Mask);
        return result;
    }

    /// <summary>True when <paramref name="text"/> still holds something <see cref="Redact"/> would mask.</summary>
    public static bool ContainsSecret(string? text, IEnumerable<string>? knownSecrets = null) =>
        !string.IsNullOrEmpty(text) && Redact(text, knownSecrets) != text;

    [GeneratedRegex(@"\b(?:sk-ant-[A-Za-z0-9_\-]{8,}|sk-[A-Za-z0-9_\-]{16,}|AIza[0-9A-Za-z_\-]{20,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abpr]-[A-Za-z0-9\-]{10,})")]
    private static partial Regex KeyShapes();

    // The server's API tokens: "ns_" and URL-safe base64 (43 characters when generated). Snake-case names that merely
    // start with ns_ are left alone: a token has a digit or a capital somewhere, an identifier like ns_task_queue none.
    [GeneratedRegex(@"\bns_(?=[A-Za-z0-9_\-]*[0-9A-Z])[A-Za-z0-9_\-]{20,}")]
    private static partial Regex NightshiftTokens();

    [GeneratedRegex(@"(?i)(\bbearer\s+)(?!\[REDACTED\])[A-Za-z0-9._~+/=\-]{8,}")]
    private static partial Regex Bearer();

    [GeneratedRegex("(?i)(\"?\\b(?:api[_-]?key|x-api-key|x-goog-api-key|access[_-]?token|auth[_-]?token|client[_-]?secret|password)\"?\\s*[:=]\\s*\"?)(?!\\[REDACTED\\])[^\"\\s,;}&]{6,}")]
    private static partial Regex Assignments();
}
