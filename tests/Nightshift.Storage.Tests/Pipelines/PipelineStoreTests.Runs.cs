using Nightshift.Core.Errors;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Tasks;
using Nightshift.Storage.Pipelines;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Pipelines;

public abstract partial class PipelineStoreTests
{
    [StoreFact]
    public async Task CreateRun_WithYaml_IsQueuedOnItsOwnBranchWithPendingStepsInOrder()
    {
        var (run, created) = await Store.CreateRunAsync(Run(), ["test", "lint", "fix"]);

        created.ShouldBeTrue();
        TaskId.LooksValid(run.Id).ShouldBeTrue();
        run.Branch.ShouldBe($"nightshift/run-{TaskId.Short(run.Id)}");
        run.State.ShouldBe(RunState.Queued);
        run.Yaml.ShouldBe(Yaml);
        run.Inputs.ShouldBe(Run().Inputs);
        run.Trigger.ShouldBe("cli");
        run.CreatedBy.ShouldBe("ada");
        run.BaseBranch.ShouldBe("main");
        run.CreatedAt.ShouldBe(Clock.GetUtcNow());
        run.StartedAt.ShouldBeNull();
        run.LeaseOwner.ShouldBeNull();
        (await (await OpenAsync()).FindRunAsync("default", run.Id)).ShouldBe(run, new RunComparer());
        var steps = await Store.ListStepsAsync(run.Id);
        steps.Select(s => s.Name).ShouldBe(["test", "lint", "fix"]);
        steps.ShouldAllBe(s => s.State == StepState.Pending && s.TaskId == null && s.Output == null && s.RunId == run.Id);
    }

    [StoreFact]
    public async Task CreateRun_TwoInTheSameMillisecond_GetDifferentIdsAndBranches()
    {
        var first = await CreateAsync();
        var second = await CreateAsync();

        second.Id.ShouldNotBe(first.Id);
        second.Branch.ShouldNotBe(first.Branch);
    }

    [StoreFact]
    public async Task CreateRun_RepositoryPipeline_HasNoYamlAndNoStepsYet()
    {
        var run = await CreateAsync(Run(yaml: null), []);

        run.Yaml.ShouldBeNull();
        (await Store.ListStepsAsync(run.Id)).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task CreateRun_SameIdempotencyKey_ReturnsTheFirstRunInItsOrganisationOnly()
    {
        var (first, created) = await Store.CreateRunAsync(Run(key: "nightly-42"), StepNames);
        var (again, createdAgain) = await Store.CreateRunAsync(Run(key: "nightly-42") with { Repo = "https://example.com/other" }, ["x"]);
        var (elsewhere, createdElsewhere) = await Store.CreateRunAsync(Run(org: "acme", key: "nightly-42"), StepNames);

        created.ShouldBeTrue();
        createdAgain.ShouldBeFalse();
        again.Id.ShouldBe(first.Id);
        again.Repo.ShouldBe(first.Repo);
        (await Store.ListStepsAsync(first.Id)).Select(s => s.Name).ShouldBe(StepNames);
        createdElsewhere.ShouldBeTrue();
        elsewhere.Id.ShouldNotBe(first.Id);
    }

    [StoreFact]
    public async Task CreateRun_SameKeyFromManyCallersAtOnce_MakesOneRun()
    {
        var stores = new[] { Store, await OpenAsync() };
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => stores[i % 2].CreateRunAsync(Run(key: "race"), StepNames)));

        results.Select(r => r.Run.Id).Distinct().Count().ShouldBe(1);
        results.Count(r => r.Created).ShouldBe(1);
        (await Store.ListRunsAsync("default", null, null, 50)).Count.ShouldBe(1);
    }

    [StoreFact]
    public async Task CreateRun_MalformedHostileOrOversized_IsRefusedNamingTheFieldAndStoresNothing()
    {
        var tooMany = Enumerable.Range(0, PipelineDefinition.MaxInputs + 1).ToDictionary(i => $"in{i}", i => "x");
        var cases = new (NewRun Run, IReadOnlyList<string> Steps, string Field)[]
        {
            (Run() with { Inputs = tooMany }, StepNames, "inputs"),
            (Run() with { Inputs = new Dictionary<string, string> { ["package"] = new('x', PipelineInput.MaxValueLength + 1) } }, StepNames, "inputs"),
            (Run() with { Inputs = new Dictionary<string, string> { ["Robert'); DROP TABLE tasks;--"] = "x" } }, StepNames, "inputs"),
            (Run() with { Repo = " " }, StepNames, "repo"),
            (Run() with { Repo = new string('r', NewTask.MaxRepoLength + 1) }, StepNames, "repo"),
            (Run() with { BaseBranch = "main; rm -rf /" }, StepNames, "baseBranch"),
            (Run() with { BaseBranch = "../escape" }, StepNames, "baseBranch"),
            (Run() with { Trigger = "API" }, StepNames, "trigger"),
            (Run() with { OrgId = "" }, StepNames, "orgId"),
            (Run(pipeline: "Bad Name"), StepNames, "pipeline"),
            (Run() with { PipelineId = "not-an-id" }, StepNames, "pipelineId"),
            (Run(yaml: new string('#', PipelineYaml.MaxBytes + 1)), StepNames, "yaml"),
            (Run(key: new string('k', NewTask.MaxIdempotencyKeyLength + 1)), StepNames, "idempotencyKey"),
            (Run(key: "a\nb"), StepNames, "idempotencyKey"),
            (Run(), ["lint", "lint"], "steps"),
            (Run(), ["lint", "bad\0name"], "steps"),
            (Run(), Enumerable.Range(0, PipelineDefinition.MaxSteps + 1).Select(i => $"s{i}").ToList(), "steps"),
        };
        foreach (var (run, steps, field) in cases)
        {
            var refused = await Should.ThrowAsync<ValidationException>(() => Store.CreateRunAsync(run, steps));
            refused.Errors.Keys.ShouldContain(field, $"a run with a bad {field} should be refused naming it; got: {refused.Message}");
        }
        (await Store.ListRunsAsync("default", null, null, 50)).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task FindRun_AnotherOrganisationsRunOrHostileIds_IsNotFound()
    {
        var run = await CreateAsync(Run(org: "acme"));

        (await Store.FindRunAsync("acme", run.Id)).ShouldNotBeNull();
        (await Store.FindRunAsync("other", run.Id)).ShouldBeNull();
        (await Store.FindRunAsync("default", run.Id)).ShouldBeNull();
        (await Store.FindRunAsync("acme", "not-an-id")).ShouldBeNull();
        (await Store.FindRunAsync("acme", run.Id + "' OR '1'='1")).ShouldBeNull();
        (await Store.FindRunAsync("acme' OR '1'='1", run.Id)).ShouldBeNull();
        (await Store.ListStepsAsync("' OR 1=1 --")).ShouldBeEmpty();
        (await Store.ReadRunEventsAsync("../../etc", 0, 10)).ShouldBeEmpty();
        (await Store.ListRunsAsync("other", null, null, 10)).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task ListRuns_FilteredByPipelineAndState_NewestFirstUpToTheLimit()
    {
        var older = await CreateAsync();
        Clock.Advance(TimeSpan.FromSeconds(1));
        var other = await CreateAsync(Run(pipeline: "nightly"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        var newest = await CreateAsync();
        var lease = (await Store.ClaimRunsAsync("server-a", LeaseTime, 10)).Single(l => l.RunId == newest.Id);
        await Store.ApplyAsync(lease, new RunChange { State = RunState.Running });

        (await Store.ListRunsAsync("default", null, null, 10)).Select(r => r.Id).ShouldBe([newest.Id, other.Id, older.Id]);
        (await Store.ListRunsAsync("default", "lint-fix-test", null, 10)).Select(r => r.Id).ShouldBe([newest.Id, older.Id]);
        (await Store.ListRunsAsync("default", "lint-fix-test", RunState.Queued, 10)).Select(r => r.Id).ShouldBe([older.Id]);
        (await Store.ListRunsAsync("default", null, RunState.Running, 10)).Select(r => r.Id).ShouldBe([newest.Id]);
        (await Store.ListRunsAsync("default", null, null, 2)).Select(r => r.Id).ShouldBe([newest.Id, other.Id]);
        (await Store.ListRunsAsync("default", "NOT a name", null, 10)).ShouldBeEmpty();
        (await Should.ThrowAsync<ValidationException>(() => Store.ListRunsAsync("default", null, null, 0))).Errors.Keys.ShouldContain("limit");
        (await Should.ThrowAsync<ValidationException>(() => Store.ListRunsAsync("default", null, null, 100_000))).Errors.Keys.ShouldContain("limit");
        (await Should.ThrowAsync<ValidationException>(() => Store.ListRunsAsync("default", null, (RunState)99, 10))).Errors.Keys.ShouldContain("state");
    }

    [StoreFact]
    public async Task RequestCancelRun_UnfinishedRun_MarksAndWakesItAndAFinishedOneIsRefused()
    {
        var run = await CreateAsync(Run(org: "acme"));
        var lease = await ClaimOneAsync();
        await Store.ReleaseRunAsync(lease, Clock.GetUtcNow().AddHours(1));

        (await Store.RequestCancelRunAsync("other", run.Id)).ShouldBeFalse();
        (await Store.RequestCancelRunAsync("acme", "not-an-id")).ShouldBeFalse();
        (await Store.FindRunAsync("acme", run.Id))!.CancelRequested.ShouldBeFalse();
        (await Store.RequestCancelRunAsync("acme", run.Id)).ShouldBeTrue();
        (await Store.FindRunAsync("acme", run.Id))!.CancelRequested.ShouldBeTrue();

        var again = await ClaimOneAsync();
        again.Run.CancelRequested.ShouldBeTrue();
        await Store.ApplyAsync(again, new RunChange { State = RunState.Cancelled, FinishedAt = Clock.GetUtcNow() });
        (await Store.RequestCancelRunAsync("acme", run.Id)).ShouldBeFalse();
    }

    /// <summary>Records compare their dictionaries by reference; this compares the inputs by content.</summary>
    private sealed class RunComparer : IEqualityComparer<RunRecord>
    {
        public bool Equals(RunRecord? x, RunRecord? y) =>
            x is not null && y is not null && x with { Inputs = y.Inputs } == y && x.Inputs.OrderBy(p => p.Key).SequenceEqual(y.Inputs.OrderBy(p => p.Key));

        public int GetHashCode(RunRecord obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
