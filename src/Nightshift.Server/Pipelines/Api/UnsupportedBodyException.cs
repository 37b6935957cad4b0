namespace Nightshift.Server.Pipelines.Api;

/// <summary>A body in a content type the route does not read (415); the message says what to send.</summary>
internal sealed class UnsupportedBodyException(string message) : Exception(message);
