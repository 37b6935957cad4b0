using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Workspaces.Repositories;

/// <summary>Checks the <c>Repositories</c> section when the host starts.</summary>
internal sealed class RepositoryOptionsValidator : IValidateOptions<RepositoryOptions>
{
    public ValidateOptionsResult Validate(string? name, RepositoryOptions options)
    {
        var checks = new SettingChecks().Range("Repositories:MaxLength", options.MaxLength, 16, 65_536);
        var roots = options.AllowedRoots ?? [];
        for (var i = 0; i < roots.Count; i++)
        {
            checks.AbsolutePath($"Repositories:AllowedRoots:{i}", roots[i] ?? "");
        }
        var hosts = options.AllowedHosts ?? [];
        for (var i = 0; i < hosts.Count; i++)
        {
            var host = hosts[i] ?? "";
            var bare = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
            if (bare.Length is 0 or > 253 || !bare.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']'))
            {
                checks.Fail($"Repositories:AllowedHosts:{i}", $"is '{new string(host.Take(100).Select(c => char.IsControl(c) ? '?' : c).ToArray())}'; give a host name such as github.com, or *.example.com for its sub-domains");
            }
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}
