using Nightshift.Core.Errors;

namespace Nightshift.Agent.Execution;

/// <summary>An egress credential a task needs cannot be had (its organisation secret is missing or unusable); the message says what to add.</summary>
public sealed class EgressCredentialException(string message) : NightshiftException(message);
