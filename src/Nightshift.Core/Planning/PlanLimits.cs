namespace Nightshift.Core.Planning;

/// <summary>Bounds a plan must respect; shared by the validator and the <c>submit_plan</c> schema so both agree.</summary>
public static class PlanLimits
{
    public const int MaxJsonLength = 200_000;
    public const int MaxSubtasks = 30;
    public const int MaxIdLength = 40;
    public const int MaxTitleLength = 200;

    /// <summary>The plan's one-line summary, which becomes the task's title.</summary>
    public const int MaxSummaryLength = 80;
    public const int MaxDescriptionLength = 4_000;
    public const int MaxDependencies = MaxSubtasks;
    public const int MaxFiles = 50;
    public const int MaxFilePathLength = 500;
    public const int MaxAcceptanceCriteria = 20;
    public const int MaxAcceptanceLength = 500;
    public const int MinPriority = -100;
    public const int MaxPriority = 100;

    /// <summary>A short slug: lowercase letters and digits, words joined by single hyphens, starting with a letter.</summary>
    public const string IdPattern = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$";
}
