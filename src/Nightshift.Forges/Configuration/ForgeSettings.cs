namespace Nightshift.Forges.Configuration;

/// <summary>One forge entry, <c>Forges:&lt;name&gt;:*</c>. Only the credential is required for github.com.</summary>
public sealed class ForgeSettings
{
    /// <summary>github, gitlab or gitea (forgejo is gitea); by default taken from the entry's name or its host.</summary>
    public string? Kind { get; set; }

    /// <summary>The host repository addresses name (with :port when not the default); github.com for a github entry.</summary>
    public string? Host { get; set; }

    /// <summary>The REST API's base address; by default https://api.github.com for github.com, https://HOST/api/v3 for GitHub Enterprise.</summary>
    public string? ApiUrl { get; set; }

    /// <summary>A personal access token (fine-grained on GitHub), from the worker's secret configuration.</summary>
    public string? Token { get; set; }

    /// <summary>A file holding the token, readable only by the service; read at start.</summary>
    public string? TokenFile { get; set; }

    /// <summary>GitHub App authentication: the app's id.</summary>
    public long? AppId { get; set; }

    /// <summary>GitHub App authentication: the app's private key (PEM), readable only by the service.</summary>
    public string? PrivateKeyFile { get; set; }

    /// <summary>GitHub App authentication: the installation to act as; looked up per repository when not set.</summary>
    public long? InstallationId { get; set; }

    /// <summary>Labels put on every pull request opened on this forge.</summary>
    public IList<string> Labels { get; set; } = [];

    /// <summary>User names asked to review every pull request opened on this forge.</summary>
    public IList<string> Reviewers { get; set; } = [];
}
