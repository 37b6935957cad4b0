using Nightshift.Core.Errors;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Workspaces.Tests;

/// <summary>A pipeline run's branch (<see cref="WorkspaceRequest.CreateIfMissing"/>): created from the base when missing, shared by the run's steps.</summary>
public sealed class RunBranchTests
{
    private const string RunBranch = "nightshift/run-0a1b2c3d";

    private static CancellationToken Token => TestDefaults.TimeoutToken();

    private static Task<Workspace> StepAsync(Harness h, string? taskId = null, bool createIfMissing = true) =>
        h.Tasks.PrepareAsync(new WorkspaceRequest(taskId ?? Harness.NewTaskId(), h.Repo.RemotePath, "main", "step")
        {
            ContinueBranch = RunBranch,
            CreateIfMissing = createIfMissing,
        }, Token);

    private static async Task<string> CommitAsync(Harness h, Workspace workspace, string file, string content)
    {
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, file), content, Token);
        return (await h.Tasks.CommitAsync(workspace, new CommitRequest("pipeline step " + file), Token)).ShouldNotBeNull().Commit;
    }

    [Fact]
    public async Task PrepareAsync_RunBranchMissing_StartsFromTheBaseAndTheFirstPushCreatesIt()
    {
        using var h = Harness.Create();
        var main = h.Repo.RemoteBranch("main")!;

        var step = await StepAsync(h);
        step.Branch.ShouldBe(RunBranch);
        step.BaseCommit.ShouldBe(main);
        step.ContinuesBranch.ShouldBeTrue();
        GitCli.Run(step.Path, "symbolic-ref", "--short", "HEAD").Trim().ShouldStartWith("nightshift-step/");
        var commit = await CommitAsync(h, step, "lint.txt", "lint\n");
        var pushed = await h.Tasks.PushAsync(step, cancellationToken: Token);

        pushed.Commit.ShouldBe(commit);
        pushed.MergedMovedBranch.ShouldBeFalse();
        h.Repo.RemoteBranch(RunBranch).ShouldBe(commit);
        h.Repo.RemoteGit("rev-parse", commit + "^").Trim().ShouldBe(main);
    }

    [Fact]
    public async Task PrepareAsync_RunBranchMissingWithoutCreateIfMissing_FailsAsAFollowUpDoes()
    {
        using var h = Harness.Create();

        var error = await Should.ThrowAsync<WorkspaceException>(() => StepAsync(h, createIfMissing: false));

        error.Message.ShouldContain("no longer exists");
    }

    [Fact]
    public async Task PushAsync_TwoStepsFromTheSameMissingBranch_SecondMergesTheFirstUnderItsChange()
    {
        using var h = Harness.Create();
        var first = await StepAsync(h);
        var second = await StepAsync(h);
        var firstCommit = await CommitAsync(h, first, "a.txt", "a\n");
        var secondCommit = await CommitAsync(h, second, "b.txt", "b\n");

        await h.Tasks.PushAsync(first, cancellationToken: Token);
        var pushed = await h.Tasks.PushAsync(second, cancellationToken: Token);

        pushed.MergedMovedBranch.ShouldBeTrue();
        h.Repo.RemoteBranch(RunBranch).ShouldBe(pushed.Commit);
        h.Repo.RemoteGit("rev-parse", pushed.Commit + "^1").Trim().ShouldBe(secondCommit);
        h.Repo.RemoteGit("rev-parse", pushed.Commit + "^2").Trim().ShouldBe(firstCommit);
        h.Repo.RemoteGit("show", $"{RunBranch}:a.txt").ShouldBe("a\n");
        h.Repo.RemoteGit("show", $"{RunBranch}:b.txt").ShouldBe("b\n");
        h.Repo.RemoteGit("log", "-1", "--format=%s", RunBranch).ShouldContain("other steps pushed");
    }

    [Fact]
    public async Task PushAsync_ThreeStepsPushingAtOnceToTheMissingBranch_AllLandOnIt()
    {
        // The first push creates the branch while the others are between their catch-up fetch and their push (or
        // between a failed fetch and their look at the remote): each must merge what landed and push again.
        for (var round = 0; round < 3; round++)
        {
            using var h = Harness.Create();
            var steps = new[] { await StepAsync(h), await StepAsync(h), await StepAsync(h) };
            for (var i = 0; i < steps.Length; i++)
            {
                await CommitAsync(h, steps[i], $"step{i}.txt", $"{i}\n");
            }

            await Task.WhenAll(steps.Select(s => Task.Run(() => h.Tasks.PushAsync(s, cancellationToken: Token))));

            for (var i = 0; i < steps.Length; i++)
            {
                h.Repo.RemoteGit("show", $"{RunBranch}:step{i}.txt").ShouldBe($"{i}\n");
            }
        }
    }

    [Fact]
    public async Task PushAsync_TwoStepsChangingTheSameLine_FailsNamingTheFileAndPushesNothing()
    {
        using var h = Harness.Create();
        var first = await StepAsync(h);
        var second = await StepAsync(h);
        var firstCommit = await CommitAsync(h, first, "same.txt", "first\n");
        await CommitAsync(h, second, "same.txt", "second\n");
        await h.Tasks.PushAsync(first, cancellationToken: Token);

        var error = await Should.ThrowAsync<WorkspaceException>(() => h.Tasks.PushAsync(second, cancellationToken: Token));

        error.Message.ShouldContain("same.txt");
        h.Repo.RemoteBranch(RunBranch).ShouldBe(firstCommit);
    }

    [Fact]
    public async Task RenameBranchAsync_StepWorkspace_IsRefused()
    {
        using var h = Harness.Create();
        var step = await StepAsync(h);

        await Should.ThrowAsync<WorkspaceException>(() => h.Tasks.RenameBranchAsync(step, "team/other", Token));
    }

    [Fact]
    public async Task PublishCopyAsync_RunBranch_PointsTheOtherBranchAtItsHeadForced()
    {
        using var h = Harness.Create();
        var step = await StepAsync(h);
        await CommitAsync(h, step, "a.txt", "a\n");
        await h.Tasks.PushAsync(step, cancellationToken: Token);
        // An older copy from an earlier step is simply replaced.
        h.Repo.Git("push", "--quiet", "origin", "main:refs/heads/" + RunBranch + "--lint");
        var publisher = await StepAsync(h, createIfMissing: false);

        var head = await h.Tasks.PublishCopyAsync(publisher, RunBranch + "--lint", cancellationToken: Token);

        head.ShouldBe(h.Repo.RemoteBranch(RunBranch));
        h.Repo.RemoteBranch(RunBranch + "--lint").ShouldBe(head);
    }

    [Theory]
    [InlineData("main")]
    [InlineData(RunBranch)]
    [InlineData("bad..name")]
    public async Task PublishCopyAsync_BranchItMayNotOverwrite_IsRefused(string branch)
    {
        using var h = Harness.Create();
        var step = await StepAsync(h);
        await CommitAsync(h, step, "a.txt", "a\n");
        await h.Tasks.PushAsync(step, cancellationToken: Token);
        var main = h.Repo.RemoteBranch("main");

        await Should.ThrowAsync<NightshiftException>(() => h.Tasks.PublishCopyAsync(step, branch, cancellationToken: Token));

        h.Repo.RemoteBranch("main").ShouldBe(main);
    }

    [Fact]
    public async Task PublishCopyAsync_TaskOnItsOwnBranch_IsRefused()
    {
        using var h = Harness.Create();
        var own = await h.PrepareAsync("own branch");

        await Should.ThrowAsync<WorkspaceException>(() => h.Tasks.PublishCopyAsync(own, "elsewhere", cancellationToken: Token));
    }
}
