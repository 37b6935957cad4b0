namespace Nightshift.Sandbox.Network;

/// <summary>
/// Named groups of allow-list rules for an ecosystem's public package registry, for Sandbox:Network:Presets (and its
/// organisation and repository levels) and <c>.nightshift.yml</c>'s <c>network.presets</c>. Each names the hosts its
/// package manager downloads from, with any method (installing never needs more than GET and HEAD, but a method limit
/// on an https host needs the proxy to see inside the tunnel).
/// </summary>
public static class HostPresets
{
    private static readonly Dictionary<string, string[]> Hosts = new(StringComparer.Ordinal)
    {
        // The npm registry serves both the package documents and their tarballs.
        ["npm"] = ["registry.npmjs.org"],
        // PyPI's index and API, and the host its files are served from.
        ["pypi"] = ["pypi.org", "files.pythonhosted.org"],
        // The NuGet v3 API (service index, registration and flat container) and the host package downloads go to.
        ["nuget"] = ["api.nuget.org", "globalcdn.nuget.org", "www.nuget.org"],
        // The Go module proxy and the checksum database go verifies modules against.
        ["go"] = ["proxy.golang.org", "sum.golang.org"],
        // crates.io's API, its sparse index and the host crate files are downloaded from.
        ["crates"] = ["crates.io", "index.crates.io", "static.crates.io"],
    };

    /// <summary>The preset names: npm, pypi, nuget, go, crates.</summary>
    public static IReadOnlyList<string> Names { get; } = ["npm", "pypi", "nuget", "go", "crates"];

    /// <summary>The rules of preset <paramref name="name"/> (lowercase), or null when there is no such preset.</summary>
    public static IReadOnlyList<HostRule>? Rules(string? name) =>
        name is not null && Hosts.TryGetValue(name.Trim().ToLowerInvariant(), out var hosts) ? [.. hosts.Select(HostRule.Parse)] : null;

    /// <summary>Why <paramref name="name"/> is not a preset, or null when it is.</summary>
    public static string? WhyUnknown(string? name) =>
        Rules(name) is null ? $"'{name}' is not a preset; the presets are {string.Join(", ", Names)}" : null;
}
