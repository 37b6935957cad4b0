namespace Nightshift.Agent.Tools;

/// <summary>Caps that keep one tool result from flooding the model's context.</summary>
public sealed record ToolLimits
{
    public int MaxReadLines { get; init; } = 400;

    public int MaxResultChars { get; init; } = 24_000;

    public int MaxListedFiles { get; init; } = 400;

    public int MaxSearchMatches { get; init; } = 100;

    public int MaxWriteChars { get; init; } = 1_000_000;

    /// <summary>read_file reads at most this much of a file; a jailed command can make a file of any size.</summary>
    public long MaxReadBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>edit_file refuses larger files: it holds the whole file, twice, while it edits.</summary>
    public long MaxEditBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>list_files stops after this many entries of the tree (not matches), so a huge tree cannot stall it.</summary>
    public int MaxListedEntries { get; init; } = 200_000;

    public TimeSpan MaxListTime { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan DefaultCommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan MaxCommandTimeout { get; init; } = TimeSpan.FromMinutes(20);
}
