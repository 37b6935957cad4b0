namespace Nightshift.Cli.Api;

/// <summary>The server answered something that is not the Nightshift API (wrong program on the port, a proxy page, …).</summary>
internal sealed class ProtocolException(string message, Exception? inner = null) : Exception(message, inner);
