namespace Nightshift.TestKit.Oidc;

/// <summary>The person <see cref="TestIdentityProvider"/> signs in: every authorization request is approved as them.</summary>
/// <param name="Subject">the <c>sub</c> claim.</param>
/// <param name="Name">the <c>name</c> claim; left out when null.</param>
/// <param name="Roles">the <c>roles</c> claim (a JSON array); left out when null.</param>
/// <param name="Groups">the <c>groups</c> claim (a JSON array); left out when null.</param>
/// <param name="Claims">any other claims, by name (a string, a number, or a list of strings).</param>
public sealed record TestIdentity(
    string Subject,
    string? Name = null,
    IReadOnlyList<string>? Roles = null,
    IReadOnlyList<string>? Groups = null,
    IReadOnlyDictionary<string, object>? Claims = null);
