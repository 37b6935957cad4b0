using Nightshift.Core.Errors;
using Nightshift.Core.Pipelines;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Pipelines;

public abstract partial class PipelineStoreTests
{
    private static PipelineRecord Pipeline(string name = "nightly", string org = "default", string? schedule = null, DateTimeOffset? next = null, string yaml = Yaml) => new()
    {
        Id = "",
        OrgId = org,
        Name = name,
        Yaml = yaml,
        Schedule = schedule,
        TimeZone = schedule is null ? null : "Europe/Berlin",
        NextRunAt = next,
        CreatedBy = "ada",
    };

    [StoreFact]
    public async Task SavePipeline_NewThenSameName_CreatesOnceAndReplacesTheYamlKeepingIdAndCreation()
    {
        var (first, created) = await Store.SavePipelineAsync(Pipeline());
        Clock.Advance(TimeSpan.FromMinutes(1));
        var (second, createdAgain) = await Store.SavePipelineAsync(Pipeline(yaml: Yaml + "# changed\n") with { CreatedBy = "bob" });

        created.ShouldBeTrue();
        createdAgain.ShouldBeFalse();
        second.Id.ShouldBe(first.Id);
        second.CreatedAt.ShouldBe(first.CreatedAt);
        second.CreatedBy.ShouldBe("ada");
        second.UpdatedAt.ShouldBe(first.UpdatedAt + TimeSpan.FromMinutes(1));
        second.Yaml.ShouldEndWith("# changed\n");
        (await (await OpenAsync()).FindPipelineAsync("default", "nightly")).ShouldBe(second);
    }

    [StoreFact]
    public async Task SavePipeline_ScheduleKeptOrChanged_KeepsOrForgetsItsNextRun()
    {
        var due = Clock.GetUtcNow().AddHours(1);
        var (saved, _) = await Store.SavePipelineAsync(Pipeline(schedule: "0 3 * * *", next: due));
        saved.NextRunAt.ShouldBe(due);

        var (kept, _) = await Store.SavePipelineAsync(Pipeline(schedule: "0 3 * * *", yaml: Yaml + "# edited\n"));
        kept.NextRunAt.ShouldBe(due);

        var (changed, _) = await Store.SavePipelineAsync(Pipeline(schedule: "0 4 * * *"));
        changed.NextRunAt.ShouldBeNull();

        var (dropped, _) = await Store.SavePipelineAsync(Pipeline(next: due));
        dropped.Schedule.ShouldBeNull();
        dropped.NextRunAt.ShouldBeNull();
    }

    [StoreFact]
    public async Task FindListDeletePipeline_OtherOrganisation_SeesNothingOfIt()
    {
        await Store.SavePipelineAsync(Pipeline("zeta", "acme"));
        await Store.SavePipelineAsync(Pipeline("alpha", "acme"));
        await Store.SavePipelineAsync(Pipeline("alpha", "other"));

        (await Store.ListPipelinesAsync("acme")).Select(p => p.Name).ShouldBe(["alpha", "zeta"]);
        (await Store.FindPipelineAsync("other", "zeta")).ShouldBeNull();
        (await Store.DeletePipelineAsync("other", "zeta")).ShouldBeFalse();
        (await Store.FindPipelineAsync("acme", "zeta")).ShouldNotBeNull();
        (await Store.DeletePipelineAsync("acme", "zeta")).ShouldBeTrue();
        (await Store.DeletePipelineAsync("acme", "zeta")).ShouldBeFalse();
        (await Store.ListPipelinesAsync("acme")).Select(p => p.Name).ShouldBe(["alpha"]);
        (await Store.ListPipelinesAsync("other")).Count.ShouldBe(1);
    }

    [StoreFact]
    public async Task FindPipeline_HostileNameOrOrganisation_IsNotFound()
    {
        await Store.SavePipelineAsync(Pipeline("alpha", "acme"));

        (await Store.FindPipelineAsync("acme", "alpha' OR '1'='1")).ShouldBeNull();
        (await Store.FindPipelineAsync("acme' OR '1'='1", "alpha")).ShouldBeNull();
        (await Store.FindPipelineAsync("acme", "")).ShouldBeNull();
        (await Store.FindPipelineAsync("acme", new string('a', 10_000))).ShouldBeNull();
        (await Store.ListPipelinesAsync("")).ShouldBeEmpty();
        (await Store.DeletePipelineAsync("acme", "%")).ShouldBeFalse();
        (await Store.ListPipelinesAsync("acme")).Count.ShouldBe(1);
    }

    [StoreFact]
    public async Task SavePipeline_MalformedOrOversized_IsRefusedNamingTheField()
    {
        (await Should.ThrowAsync<ValidationException>(() => Store.SavePipelineAsync(Pipeline("Has Spaces")))).Errors.Keys.ShouldContain("name");
        (await Should.ThrowAsync<ValidationException>(() => Store.SavePipelineAsync(Pipeline("1st")))).Errors.Keys.ShouldContain("name");
        (await Should.ThrowAsync<ValidationException>(() => Store.SavePipelineAsync(Pipeline(new string('a', 65))))).Errors.Keys.ShouldContain("name");
        (await Should.ThrowAsync<ValidationException>(() => Store.SavePipelineAsync(Pipeline(org: "Not An Org")))).Errors.Keys.ShouldContain("orgId");
        (await Should.ThrowAsync<ValidationException>(() => Store.SavePipelineAsync(Pipeline(yaml: " \n")))).Errors.Keys.ShouldContain("yaml");
        var huge = await Should.ThrowAsync<ValidationException>(() => Store.SavePipelineAsync(Pipeline(yaml: new string('#', PipelineYaml.MaxBytes + 1))));
        huge.Message.ShouldContain($"{PipelineYaml.MaxBytes}");
        (await Should.ThrowAsync<ValidationException>(() => Store.SavePipelineAsync(Pipeline(schedule: new string('*', 201))))).Errors.Keys.ShouldContain("schedule");
        (await Store.ListPipelinesAsync("default")).ShouldBeEmpty();
    }
}
