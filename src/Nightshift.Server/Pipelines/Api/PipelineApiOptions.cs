namespace Nightshift.Server.Pipelines.Api;

/// <summary>How the run event stream looks for new events (not a setting: tests shorten it).</summary>
internal sealed class PipelineApiOptions
{
    /// <summary>How often an open run event stream reads the run's log for new events.</summary>
    public TimeSpan EventPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
