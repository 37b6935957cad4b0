namespace Nightshift.Models.Resilience;

/// <summary>What the resilience layer needs to know to word a failure: whose endpoint, and which variables fix it.</summary>
internal sealed record ProviderEndpoint(string Provider, string? KeyVariable, string BaseUrlVariable);
