namespace Nightshift.Core.Teams;

/// <summary>
/// The decrypted value of an organisation's secret, for the worker-side code that needs it (a model provider's key, a
/// forge token, a webhook signing secret). Values never go into a sandbox, an event, a log line or a response.
/// </summary>
public interface IOrgSecrets
{
    /// <summary>The secret's value, or null when the organisation has none by that name.</summary>
    Task<string?> GetAsync(string orgId, string name, CancellationToken cancellationToken = default);
}
