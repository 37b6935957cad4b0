using Nightshift.Core.Errors;

namespace Nightshift.Sandbox;

/// <summary>The jail cannot be started on this machine; the message says what to install or change.</summary>
public sealed class SandboxUnavailableException(string message, Exception? inner = null) : NightshiftException(message, inner);
