using System.Text.Json;
using Nightshift.Core.Events;

namespace Nightshift.Cli.Api;

/// <summary>One entry of a task's event log as the API sends it (<c>{"seq","type","time","taskId","data"}</c>).</summary>
internal sealed record ApiEvent(long Seq, string Type, DateTimeOffset Time, string? TaskId, JsonElement Data)
{
    /// <summary>The final events; the server ends a stream after one of them.</summary>
    public bool IsFinal => Type is EventTypes.TaskSucceeded or EventTypes.TaskFailed or EventTypes.TaskCancelled or EventTypes.TaskTimedOut or EventTypes.TaskNeedsReview or EventTypes.TaskDead;
}
