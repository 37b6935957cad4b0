using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;
using Nightshift.Core.Forges;

namespace Nightshift.Forges.Configuration;

/// <summary>
/// Stops the host at start when a forge entry is unusable: an unknown kind, a bad host or API address, no credential
/// or two, an unreadable or world-readable secret file, a host named by two entries. Messages name the setting
/// (<c>Forges:github:Token</c>) and never print a credential.
/// </summary>
public sealed class ForgesOptionsValidator : IValidateOptions<ForgesOptions>
{
    public const int MaxForges = 32;
    public const int MaxTokenLength = 1_000;
    public const int MaxLabels = 20;

    public ValidateOptionsResult Validate(string? name, ForgesOptions options)
    {
        var checks = new SettingChecks();
        if (options.Count > MaxForges)
        {
            checks.Fail(ForgesOptions.SectionName, $"has {options.Count} entries; configure at most {MaxForges} forges");
        }
        var hosts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (entry, settings) in options.Take(MaxForges + 1))
        {
            var prefix = $"{ForgesOptions.SectionName}:{entry}";
            if (!ForgeDefaults.IsValidName(entry))
            {
                checks.Fail(prefix, $"is named '{ForgeDefaults.Shown(entry)}'; name forge entries with letters, digits, '.', '_' or '-' (e.g. github, work-ghe)");
                continue;
            }
            if (settings is null)
            {
                checks.Fail(prefix, "is empty; give at least its Token (Forges:github:Token for github.com)");
                continue;
            }
            Check(checks, prefix, entry, settings, hosts);
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }

    private static void Check(SettingChecks checks, string prefix, string entry, ForgeSettings settings, Dictionary<string, string> hosts)
    {
        if (ForgeDefaults.Kind(entry, settings, out var kindProblem) is not { } kind)
        {
            checks.Fail(prefix + ":Kind", kindProblem!);
            return;
        }
        var host = ForgeDefaults.Host(kind, settings);
        if (host is null)
        {
            checks.Fail(prefix + ":Host", $"is not set; a {kind} forge has no default host, so give the one its repository addresses name (e.g. git.example.com)");
            return;
        }
        if (!ForgeDefaults.IsValidHost(host))
        {
            checks.Fail(prefix + ":Host", $"is '{ForgeDefaults.Shown(host)}'; give a host name as repository addresses name it, with :port when not the default (e.g. git.example.com:3000), without scheme or path");
            return;
        }
        if (hosts.TryGetValue(host, out var other))
        {
            checks.Fail(prefix + ":Host", $"is {host}, which Forges:{other} already serves; each host belongs to one entry");
        }
        hosts[host] = entry;
        if (ForgeDefaults.ApiUrl(kind, host, settings) is null)
        {
            // An address with user:password in it is not repeated: that part may be a secret.
            var shown = settings.ApiUrl?.Contains('@', StringComparison.Ordinal) == true ? "an address with credentials in it" : $"'{ForgeDefaults.Shown(settings.ApiUrl ?? "")}'";
            checks.Fail(prefix + ":ApiUrl", $"is {shown}; give the REST API's http(s) address without credentials or query (e.g. https://{host}/api/v3)");
        }
        CheckCredential(checks, prefix, kind, settings);
        CheckNames(checks, prefix + ":Labels", settings.Labels, 50, "label");
        CheckNames(checks, prefix + ":Reviewers", settings.Reviewers, 39, "user name");
    }

    private static void CheckCredential(SettingChecks checks, string prefix, ForgeKind kind, ForgeSettings settings)
    {
        var app = settings.AppId is not null || settings.PrivateKeyFile is not null || settings.InstallationId is not null;
        var given = (settings.Token is not null ? 1 : 0) + (settings.TokenFile is not null ? 1 : 0) + (app ? 1 : 0);
        var choices = kind == ForgeKind.GitHub
            ? $"set {prefix}:Token (a fine-grained personal access token), {prefix}:TokenFile, or a GitHub App's {prefix}:AppId and {prefix}:PrivateKeyFile"
            : $"set {prefix}:Token or {prefix}:TokenFile";
        if (given == 0)
        {
            checks.Fail(prefix, $"has no credential; {choices}");
            return;
        }
        if (given > 1)
        {
            checks.Fail(prefix, $"has more than one credential; {choices}, only one of them");
            return;
        }
        if (settings.Token is { } token)
        {
            // The value is a secret: say what is wrong with it without repeating it.
            if (string.IsNullOrWhiteSpace(token) || token.Trim().Length > MaxTokenLength || token.Trim().Any(c => char.IsControl(c) || c == ' '))
            {
                checks.Fail(prefix + ":Token", $"is blank, longer than {MaxTokenLength} characters or holds spaces or control characters; paste the token alone");
            }
            return;
        }
        if (settings.TokenFile is { } file)
        {
            if (ForgeSecretFiles.Read(file, out var problem) is not { } text)
            {
                checks.Fail(prefix + ":TokenFile", problem!);
            }
            else if (text.Length > MaxTokenLength || text.Any(c => char.IsControl(c) || c == ' '))
            {
                checks.Fail(prefix + ":TokenFile", $"names '{ForgeDefaults.Shown(file)}', which holds more than one token-shaped line; put the token alone in it");
            }
            return;
        }
        if (kind != ForgeKind.GitHub)
        {
            checks.Fail(prefix + ":AppId", $"is set on a {kind} forge; App authentication is GitHub's: {choices}");
            return;
        }
        if (settings.AppId is not { } appId || appId <= 0)
        {
            checks.Fail(prefix + ":AppId", "is not set or not positive; give the GitHub App's id (its settings page shows it)");
        }
        if (settings.InstallationId is { } installation && installation <= 0)
        {
            checks.Fail(prefix + ":InstallationId", "is not positive; give the installation's id, or leave it out to look it up per repository");
        }
        if (settings.PrivateKeyFile is not { } keyFile)
        {
            checks.Fail(prefix + ":PrivateKeyFile", "is not set; give the path of the App's private key (.pem), readable only by the service");
            return;
        }
        using var key = ForgeSecretFiles.ReadRsaKey(keyFile, out var keyProblem);
        if (key is null)
        {
            checks.Fail(prefix + ":PrivateKeyFile", keyProblem!);
        }
    }

    private static void CheckNames(SettingChecks checks, string setting, IList<string>? names, int maxLength, string what)
    {
        if (names is null)
        {
            return;
        }
        if (names.Count > MaxLabels)
        {
            checks.Fail(setting, $"has {names.Count} entries; give at most {MaxLabels}");
            return;
        }
        for (var i = 0; i < names.Count; i++)
        {
            var value = names[i];
            if (string.IsNullOrWhiteSpace(value) || value.Length > maxLength || value.Any(char.IsControl) || (what == "user name" && value.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-'))))
            {
                checks.Fail($"{setting}:{i}", $"is '{ForgeDefaults.Shown(value ?? "")}'; give a {what} of at most {maxLength} characters{(what == "user name" ? " (letters, digits and '-')" : " on one line")}");
            }
        }
    }
}
