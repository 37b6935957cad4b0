namespace Nightshift.Agent.Tools;

/// <summary>Caps that keep one tool result from flooding the model's context.</summary>
public sealed record ToolLimits
{
    public int MaxReadLines { get; init; } = 400;

    public int MaxResultChars { get; init; } = 24_000;

    public int MaxListedFiles { get; init; } = 400;

    public int MaxSearchMatches { get; init; } = 100;

    public int MaxWriteChars { get; init; } = 1_000_000;

    public TimeSpan DefaultCommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan MaxCommandTimeout { get; init; } = TimeSpan.FromMinutes(20);
}
