using System.Text.Json.Serialization;

namespace Nightshift.Core.Events.Payloads;

/// <summary>One phase of a <c>network.capped</c> event: what <c>.nightshift.yml</c> asked for and what the phase got.</summary>
/// <param name="Phase">the phase: <c>setup</c>, <c>agent</c> or <c>verify</c>.</param>
/// <param name="Asked">the policy asked for: <c>off</c>, <c>allowlist</c> or <c>on</c>.</param>
/// <param name="Got">the policy the phase runs with: the operator's ceiling.</param>
/// <param name="RefusedHosts">host rules of <c>network.allow</c> the ceiling does not cover, left out; null when none were.</param>
public sealed record NetworkCapEntry(
    string Phase,
    string Asked,
    string Got,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? RefusedHosts = null);
