namespace Nightshift.Sandbox;

/// <summary>
/// The doctor's verdict on the sandbox: whether a jailed command runs, what to fix when not, and what was found
/// (cgroups, the development switch) as lines a person can read.
/// </summary>
public sealed record SandboxCheck(bool Ok, string Summary, string? Fix, IReadOnlyList<string> Details);
