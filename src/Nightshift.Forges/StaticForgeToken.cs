namespace Nightshift.Forges;

/// <summary>A personal or project access token from the worker's secret configuration.</summary>
public sealed class StaticForgeToken(string token) : IForgeToken
{
    private readonly string _token = string.IsNullOrWhiteSpace(token)
        ? throw new ArgumentException("a forge token must not be empty", nameof(token))
        : token.Trim();

    public ValueTask<string> GetAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_token);

    public override string ToString() => "StaticForgeToken { *** }";
}
