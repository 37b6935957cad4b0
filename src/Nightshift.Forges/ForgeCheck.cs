namespace Nightshift.Forges;

/// <param name="Ok">true when the credential works for what Nightshift does.</param>
/// <param name="Detail">what was found: who the credential acts as, or what is wrong and what to do.</param>
public sealed record ForgeCheck(string Forge, bool Ok, string Detail);
