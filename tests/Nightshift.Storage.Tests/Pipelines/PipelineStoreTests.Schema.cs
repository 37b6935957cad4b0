using System.Globalization;
using Nightshift.Core.Pipelines;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Pipelines;

public abstract partial class PipelineStoreTests
{
    [StoreFact]
    public async Task Migrate_FromVersion13WithTasks_AddsThePipelineTablesAndKeepsTheTasks()
    {
        var task = (await Store.SubmitAsync(Ask())).Task;
        // Back to the schema before 0014, with a task in it, as an installation upgrading from the previous release.
        foreach (var sql in new[]
        {
            "DROP TABLE run_events", "DROP TABLE pipeline_steps", "DROP TABLE pipeline_runs", "DROP TABLE pipelines",
            "ALTER TABLE tasks DROP COLUMN run_step", "DELETE FROM schema_migrations WHERE version = 14",
        })
        {
            await RawScalarAsync(sql);
        }
        Convert.ToInt64(await RawScalarAsync("SELECT MAX(version) FROM schema_migrations"), CultureInfo.InvariantCulture).ShouldBe(13);

        var upgraded = await OpenAsync();

        Convert.ToInt64(await RawScalarAsync("SELECT MAX(version) FROM schema_migrations"), CultureInfo.InvariantCulture).ShouldBe(14);
        var kept = (await upgraded.FindAsync(task.Id))!;
        kept.Instruction.ShouldBe(task.Instruction);
        kept.RunStep.ShouldBeNull();
        var (run, created) = await upgraded.CreateRunAsync(Run(), StepNames);
        created.ShouldBeTrue();
        (await upgraded.SubmitAsync(StepTask(run))).Task.RunStep!.RunId.ShouldBe(run.Id);
        (await upgraded.ListStepsAsync(run.Id)).Select(s => s.State).ShouldAllBe(s => s == StepState.Pending);
    }
}
