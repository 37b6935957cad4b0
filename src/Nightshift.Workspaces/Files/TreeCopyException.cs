namespace Nightshift.Workspaces.Files;

/// <summary>A tree copy stopped: the message says what in the source or destination could not be copied, and why.</summary>
public sealed class TreeCopyException(string message) : IOException(message);
