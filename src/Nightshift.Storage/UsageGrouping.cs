namespace Nightshift.Storage;

/// <summary>What one row of a usage report stands for.</summary>
public enum UsageGrouping
{
    /// <summary>A UTC day, keyed <c>yyyy-MM-dd</c>.</summary>
    Day,

    /// <summary>A model as recorded with each call (<c>provider/model</c>); task figures use the model the task asked for.</summary>
    Model,

    /// <summary>A repository as the task named it.</summary>
    Repo,
}
