namespace Nightshift.Server.Hosting;

/// <summary>The server cannot start as configured; the message names the setting to change.</summary>
public sealed class ServerConfigurationException(string message) : Exception(message);
