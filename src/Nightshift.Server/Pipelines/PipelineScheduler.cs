using Microsoft.Extensions.Options;
using Nightshift.Core.Pipelines;
using Nightshift.Storage;

namespace Nightshift.Server.Pipelines;

/// <summary>
/// Starts the runs of registered pipelines whose schedule is due. However many ticks were missed (the server was
/// down), a due pipeline starts one run and its next time moves past now; the store's compare-and-set on the due time
/// lets one server of a fleet start it.
/// </summary>
internal sealed partial class PipelineScheduler(INightshiftStore store, TimeProvider time, ILogger<PipelineScheduler> logger)
{
    /// <returns>how many runs this server started.</returns>
    public async Task<int> StartDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var started = 0;
        foreach (var pipeline in await store.DueSchedulesAsync(now, cancellationToken))
        {
            if (pipeline.NextRunAt is not { } due)
            {
                continue;
            }
            var parsed = PipelineYaml.Parse(pipeline.Yaml, $"pipeline {pipeline.Name}");
            if (!parsed.Ok || parsed.Definition!.Schedule is not { } schedule || string.IsNullOrWhiteSpace(parsed.Definition.Repo))
            {
                var why = !parsed.Ok
                    ? string.Join("; ", parsed.Problems.Take(5).Select(p => p.ToString()))
                    : "it has no schedule or no repo: any more";
                LogCannotStart(logger, pipeline.OrgId, pipeline.Name, why);
                await store.SetNextRunAsync(pipeline.Id, due, null, cancellationToken);
                continue;
            }
            DateTimeOffset? next;
            try
            {
                next = PipelineSchedules.NextAfter(schedule.Cron, schedule.TimeZone, now);
            }
            catch (ArgumentException e)
            {
                LogCannotStart(logger, pipeline.OrgId, pipeline.Name, e.Message);
                await store.SetNextRunAsync(pipeline.Id, due, null, cancellationToken);
                continue;
            }
            var definition = parsed.Definition;
            var inputs = new Dictionary<string, string>(schedule.Inputs, StringComparer.Ordinal);
            var run = new NewRun
            {
                OrgId = pipeline.OrgId,
                Pipeline = pipeline.Name,
                PipelineId = pipeline.Id,
                Yaml = pipeline.Yaml,
                Repo = definition.Repo!,
                BaseBranch = definition.BaseBranch,
                Inputs = inputs,
                Trigger = "schedule",
                CreatedBy = "schedule",
                IdempotencyKey = $"schedule:{pipeline.Id}:{due.UtcTicks}",
            };
            var created = await store.StartScheduledRunAsync(pipeline.Id, due, next, run, [.. definition.Steps.Select(s => s.Name)], cancellationToken);
            if (created is not null)
            {
                started++;
                LogStarted(logger, pipeline.OrgId, pipeline.Name, created.Id, due, next);
            }
        }
        return started;
    }

    [LoggerMessage(EventId = 7410, Level = LogLevel.Information, Message = "Schedule of pipeline {Org}/{Pipeline} started run {RunId} (due {Due}); next at {Next}")]
    private static partial void LogStarted(ILogger logger, string org, string pipeline, string runId, DateTimeOffset due, DateTimeOffset? next);

    [LoggerMessage(EventId = 7411, Level = LogLevel.Warning, Message = "Schedule of pipeline {Org}/{Pipeline} cannot start a run and is paused: {Reason}; register the pipeline again once it is fixed")]
    private static partial void LogCannotStart(ILogger logger, string org, string pipeline, string reason);
}
