namespace Nightshift.Cli.Commands;

/// <summary>The server or worker could not start (port taken, store unreachable); the message says what to change.</summary>
internal sealed class StartFailedException(string message, Exception? inner = null) : Exception(message, inner);
