using Nightshift.Core.Forges;

namespace Nightshift.Forges;

/// <summary>
/// One forge the worker talks to, resolved from configuration: what every forge client is built from.
/// </summary>
/// <param name="Name">the configuration entry's name, used in messages ("Forges:github").</param>
/// <param name="Host">host, with ":port" when not the scheme's default, as it appears in repository addresses.</param>
/// <param name="ApiUrl">the REST API's base address (https://api.github.com, https://HOST/api/v4, https://HOST/api/v1…).</param>
/// <param name="Token">the credential sent with each API call and answered to git's password prompt on push.</param>
/// <param name="Labels">labels put on every pull request opened here.</param>
/// <param name="Reviewers">user names asked to review every pull request opened here.</param>
public sealed record ForgeEndpoint(
    string Name,
    ForgeKind Kind,
    string Host,
    Uri ApiUrl,
    IForgeToken Token,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Reviewers);
