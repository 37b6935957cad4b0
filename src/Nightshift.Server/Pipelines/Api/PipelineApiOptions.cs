namespace Nightshift.Server.Pipelines.Api;

/// <summary>How the run event stream looks for new events, and how long starting a run waits to read a repository's pipeline (not settings: tests shorten them).</summary>
internal sealed class PipelineApiOptions
{
    /// <summary>How often an open run event stream reads the run's log for new events.</summary>
    public TimeSpan EventPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long <c>POST /api/v1/runs</c> waits to read a repository's <c>.nightshift/pipelines/NAME.yml</c> (a fetch
    /// into the mirror first); past it the run is started unchecked and the coordinator reads the file when it starts.
    /// </summary>
    public TimeSpan RepositoryReadTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
