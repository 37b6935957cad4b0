using System.Collections.Concurrent;

namespace Nightshift.Server.Webhooks.Reconciliation;

/// <summary>The repositories that sent a delivery since this server started, by forge: where reconciliation looks besides the configured ones.</summary>
internal sealed class WebhookActivity
{
    public const int MaxRepositories = 1_000;

    private readonly ConcurrentDictionary<(string Forge, string RepositoryUrl), DateTimeOffset> _seen = new();

    public void Seen(string forge, string repositoryUrl, DateTimeOffset at)
    {
        if (_seen.Count < MaxRepositories || _seen.ContainsKey((forge, repositoryUrl)))
        {
            _seen[(forge, repositoryUrl)] = at;
        }
    }

    public IReadOnlyList<(string Forge, string RepositoryUrl)> Repositories() => [.. _seen.Keys];
}
