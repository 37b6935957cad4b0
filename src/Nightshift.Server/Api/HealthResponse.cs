namespace Nightshift.Server.Api;

public sealed record HealthResponse(string Status, string Store);
