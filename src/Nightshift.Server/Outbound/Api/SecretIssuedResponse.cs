namespace Nightshift.Server.Outbound.Api;

/// <summary>
/// The answer of making an endpoint or rotating its secret: the endpoint, and the new secret with its value (null for
/// channels that are not signed). The value is in this answer only; store it now.
/// </summary>
public sealed record SecretIssuedResponse(EndpointView Endpoint, IssuedSecretView? Secret);
