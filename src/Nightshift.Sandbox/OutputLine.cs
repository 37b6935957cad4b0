namespace Nightshift.Sandbox;

/// <summary>
/// One line of a running command's output, delivered as it arrives (it becomes a <c>command.output</c> event).
/// A line longer than <see cref="SandboxOptions.MaxLineChars"/> arrives in pieces.
/// </summary>
public sealed record OutputLine(OutputStream Stream, string Text, TimeSpan Elapsed);
