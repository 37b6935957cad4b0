using Nightshift.Core.Errors;
using Nightshift.Core.Pipelines;
using Nightshift.Storage.Pipelines;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Pipelines;

public abstract partial class PipelineStoreTests
{
    [StoreFact]
    public async Task CreateRun_InputsAtTheirBounds_AreKeptWhole()
    {
        var inputs = Enumerable.Range(0, PipelineDefinition.MaxInputs).ToDictionary(i => $"in{i}", i => new string((char)('a' + (i % 26)), PipelineInput.MaxValueLength));

        var run = await CreateAsync(Run() with { Inputs = inputs });

        var found = (await (await OpenAsync()).FindRunAsync("default", run.Id))!;
        found.Inputs.Count.ShouldBe(PipelineDefinition.MaxInputs);
        found.Inputs.OrderBy(p => p.Key, StringComparer.Ordinal).ShouldBe(inputs.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [StoreFact]
    public async Task ApplyAsync_OutputAndEventAtTheirBounds_AreKeptWhole()
    {
        var run = await CreateAsync();
        var lease = await ClaimOneAsync();
        var padding = RunStepRecord.MaxOutputBytes - "{\"x\":\"\"}".Length;
        var output = "{\"x\":\"" + new string('é', padding / 2) + "\"}";
        System.Text.Encoding.UTF8.GetByteCount(output).ShouldBe(RunStepRecord.MaxOutputBytes);

        var stored = await Store.ApplyAsync(lease, new RunChange
        {
            Steps = [new RunStepRecord { RunId = run.Id, Name = "lint", State = StepState.Succeeded, Output = output }],
            Events = [("step.succeeded", output)],
        });

        (await Store.ListStepsAsync(run.Id))[0].Output.ShouldBe(output);
        (await Store.ReadRunEventsAsync(run.Id, 0, 10)).Single().DataJson.ShouldBe(output);
        stored.Single().DataJson.ShouldBe(output);
        var overByOne = "{\"x\":\"" + new string('é', padding / 2) + "a\"}";
        await Should.ThrowAsync<ArgumentException>(() => Store.ApplyAsync(lease, new RunChange
        {
            Steps = [new RunStepRecord { RunId = run.Id, Name = "lint", State = StepState.Succeeded, Output = overByOne }],
        }));
    }

    [StoreFact]
    public async Task ApplyAsync_ForgedLease_ThrowsAndWritesNothing()
    {
        var run = await CreateAsync();
        var real = await ClaimOneAsync();
        var forged = real with { Token = new string('0', real.Token.Length) };
        var unknown = real with { RunId = Core.Tasks.TaskId.New(Clock) };
        var junk = real with { RunId = "' OR 1=1 --" };

        foreach (var lease in new[] { forged, unknown, junk })
        {
            await Should.ThrowAsync<LeaseLostException>(() => Store.ApplyAsync(lease, new RunChange { State = RunState.Failed, Events = [("run.failed", "{}")] }));
        }

        (await Store.FindRunAsync("default", run.Id))!.State.ShouldBe(RunState.Queued);
        (await Store.ReadRunEventsAsync(run.Id, 0, 10)).ShouldBeEmpty();
        await Store.ApplyAsync(real, Events(("run.started", "{}")));
    }
}
