namespace Nightshift.Forges;

/// <summary>
/// What one cheap authenticated call to a forge said about its credential, for <c>nightshift doctor</c>.
/// </summary>
/// <param name="Forge">the forge's configuration entry (<see cref="ForgeEndpoint.Name"/>).</param>
/// <param name="Ok">true when the credential works and has every permission Nightshift needs, as far as the forge shows.</param>
/// <param name="Message">one line a person reads: who the token acts as, or what is wrong and how to fix it.</param>
/// <param name="User">the user the token acts as, when the forge said.</param>
/// <param name="Scopes">the token's scopes, when the forge shows them (GitLab personal, project and group tokens).</param>
public sealed record ForgeCheck(string Forge, bool Ok, string Message, string? User = null, IReadOnlyList<string>? Scopes = null);
