namespace Nightshift.Server.Orgs;

/// <summary>The bounds the organisation routes accept: wide enough for any real install, small enough to catch a typo.</summary>
internal static class OrgLimits
{
    public const int MaxRunning = 10_000;

    /// <summary>A cost limit above this (a million dollars) is surely a mistake; leave the limit out instead.</summary>
    public const decimal MaxCostUsd = 1_000_000m;

    public const int MaxRepoLength = Core.Tasks.NewTask.MaxRepoLength;

    public const int MaxKillReasonLength = 500;
}
