using Nightshift.Core.Errors;

namespace Nightshift.Workspaces;

/// <summary>A workspace operation failed (fetch, checkout, commit, push); the message says what, where and what to try.</summary>
public sealed class WorkspaceException(string message, Exception? inner = null) : NightshiftException(message, inner);
