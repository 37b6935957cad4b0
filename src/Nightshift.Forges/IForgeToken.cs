namespace Nightshift.Forges;

/// <summary>
/// A forge credential that may change over time (a GitHub App's installation token is refreshed before it expires).
/// Implementations never print the secret: not in ToString, not in exceptions.
/// </summary>
public interface IForgeToken
{
    /// <returns>the current token, fetched or refreshed when needed.</returns>
    ValueTask<string> GetAsync(CancellationToken cancellationToken = default);
}
