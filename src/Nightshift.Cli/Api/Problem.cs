namespace Nightshift.Cli.Api;

/// <summary>An RFC 7807 problem as the server reports errors.</summary>
internal sealed record Problem(int Status, string? Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors);
