namespace Nightshift.Server.Pipelines;

/// <summary>Configuration section <c>Pipelines</c>: the run coordinator and scheduler every server runs (docs/pipelines.md).</summary>
internal sealed class PipelineOptions
{
    public const string Section = "Pipelines";
    public const string SectionName = Section;

    /// <summary>False: this server neither advances runs nor starts scheduled ones (another server of the fleet does).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the coordinator looks for runs that are due and schedules that are due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a coordinator holds a run it took; another server takes it over when this runs out.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most runs one poll takes.</summary>
    public int MaxRunsPerClaim { get; set; } = 20;

    /// <summary>Where in a repository its pipeline files live (<c>NAME.yml</c>).</summary>
    public string Folder { get; set; } = ".nightshift/pipelines";
}
