using Nightshift.Core.Errors;

namespace Nightshift.Workspaces.Repositories;

/// <summary>The repository string was refused by <see cref="RepositoryPolicy"/>; the message says which setting would allow a legitimate one.</summary>
public sealed class RepositoryRefusedException(string message) : NightshiftException(message);
