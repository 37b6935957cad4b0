using System.Text.RegularExpressions;
using Nightshift.Core.Errors;

namespace Nightshift.Server.Secrets;

/// <summary>
/// The organisation secrets Nightshift reads, by name. A name outside this list would never be used, so it is refused
/// (a typo such as <c>model.opneai.api-key</c> fails when it is set, not silently when a task runs).
/// </summary>
public static partial class SecretNames
{
    public const int MaxValueBytes = 16 * 1024;

    /// <summary>A model provider's API key, used for the organisation's tasks instead of the server's.</summary>
    public static string ModelApiKey(string provider) => $"model.{provider}.api-key";

    /// <summary>A forge token (GitHub, GitLab, Gitea), used for the organisation's tasks instead of the configured forge's credential.</summary>
    public static string ForgeToken(string kind) => $"forge.{kind}.token";

    /// <summary>Every name accepted, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> Known { get; } =
    [
        ModelApiKey("anthropic"),
        ModelApiKey("openai"),
        ModelApiKey("gemini"),
        ModelApiKey("openai-compatible"),
        ForgeToken("github"),
        ForgeToken("gitlab"),
        ForgeToken("gitea"),
    ];

    /// <returns>whether the name has the shape of a secret name (<c>[a-z0-9][a-z0-9._-]{0,63}</c>).</returns>
    public static bool IsWellFormed(string? name) => name is not null && Pattern().IsMatch(name);

    /// <exception cref="ValidationException">the name is malformed or not one Nightshift uses.</exception>
    public static void Check(string? name)
    {
        if (!IsWellFormed(name))
        {
            throw new ValidationException("name",
                "must be 1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit, such as model.openai.api-key");
        }
        if (!Known.Contains(name, StringComparer.Ordinal))
        {
            throw new ValidationException("name",
                $"'{name}' is not a secret Nightshift uses; use one of: {string.Join(", ", Known)} (see docs/secrets.md)");
        }
    }

    /// <exception cref="ValidationException">the value is missing, blank, holds a NUL, or is over <see cref="MaxValueBytes"/> bytes of UTF-8.</exception>
    public static void CheckValue(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ValidationException("value", "is missing or blank; give the secret's value (it is stored encrypted and never shown again)");
        }
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ValidationException("value", "contains a NUL character; give the secret as text");
        }
        var bytes = System.Text.Encoding.UTF8.GetByteCount(value);
        if (bytes > MaxValueBytes)
        {
            throw new ValidationException("value", $"is {bytes} bytes; at most {MaxValueBytes} are accepted");
        }
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
