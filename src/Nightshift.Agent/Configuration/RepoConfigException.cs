using Nightshift.Core.Errors;

namespace Nightshift.Agent.Configuration;

/// <summary>The repository's .nightshift.yml cannot be used; the message names the key or line and what to write.</summary>
public sealed class RepoConfigException(string message) : NightshiftException(message);
