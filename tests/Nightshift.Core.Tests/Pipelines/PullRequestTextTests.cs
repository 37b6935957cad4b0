using Nightshift.Core.Pipelines;

namespace Nightshift.Core.Tests.Pipelines;

public sealed class PullRequestTextTests
{
    [Fact]
    public void Body_HostileReasonAndOutput_CannotBreakTheTableMentionOrCloseTheCodeSpan()
    {
        var steps = new[]
        {
            new RunStepRecord { RunId = "r", Name = "lint", State = StepState.Failed, Reason = "bad | cell\n| injected | row | @octocat [x](https://evil) <img src=x>" },
            new RunStepRecord { RunId = "r", Name = "fix", State = StepState.Succeeded, Output = """{"summary":"``` done @team ```"}""" },
        };

        var body = PullRequestText.Body(Definition(), Run(), steps);

        var rows = body.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).ToList();
        rows.Count.ShouldBe(3);
        rows[1].ShouldBe(@"| lint | failed | bad \| cell \| injected \| row \| @" + "\u200b" + @"octocat \[x\]\(https://evil\) &lt;img src=x&gt; |");
        body.ShouldNotContain("@octocat");
        body.ShouldNotContain("@team");
        body.ShouldContain("- fix: ```` {\"summary\":\"``` done @\u200bteam ```\"} ````");
    }

    [Fact]
    public void Body_ManyHugeOutputs_StaysWithinTheBodyLimit()
    {
        var steps = Enumerable.Range(0, 100)
            .Select(i => new RunStepRecord { RunId = "r", Name = $"s{i}", State = StepState.Succeeded, Output = $"{{\"x\":\"{new string('y', 10_000)}\"}}" })
            .ToList();

        var body = PullRequestText.Body(Definition(), Run(), steps);

        body.Length.ShouldBeLessThanOrEqualTo(RunStepTask.MaxBodyLength);
        body.ShouldContain("more outputs are on the run's page");
    }

    [Fact]
    public void Title_HostileDescription_IsOneBoundedLineWithoutMentions()
    {
        var title = PullRequestText.Title(Definition() with { Description = "ping @admins\nnow" + new string('x', 500) }, []);

        title.ShouldStartWith("pipe: ping @\u200badmins now");
        title.Length.ShouldBeLessThanOrEqualTo(PullRequestText.MaxTitleLength + 2);
        title.ShouldNotContain("\n");
    }

    [Fact]
    public void Title_NoDescription_CountsTheSteps()
    {
        var steps = new[] { new RunStepRecord { RunId = "r", Name = "a", State = StepState.Succeeded }, new RunStepRecord { RunId = "r", Name = "b", State = StepState.Skipped } };

        PullRequestText.Title(Definition(), steps).ShouldBe("pipe: 1 of 2 steps succeeded");
    }

    [Fact]
    public void Code_TextWithBackticks_UsesALongerFence()
    {
        PullRequestText.Code("a `` b").ShouldBe("``` a `` b ```");
    }

    private static PipelineDefinition Definition() => new() { Name = "pipe", Steps = [] };

    private static RunRecord Run() => new() { Id = "r1", Pipeline = "pipe", Repo = "https://example.test/a/b", Branch = "nightshift/run-r1" };
}
