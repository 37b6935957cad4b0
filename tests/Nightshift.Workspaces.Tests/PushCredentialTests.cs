using System.Collections.Concurrent;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Workspaces.Tests;

public sealed class PushCredentialTests
{
    private const string Token = "tok-3f9a1c7e-never-show-me";

    [Fact]
    public async Task PrepareAndPush_TokenOverHttp_ReachesTheServerButNoArgumentsFilesOrMessages()
    {
        using var h = Harness.Create(r =>
        {
            r.AllowInsecureHttp = true;
            r.AllowPrivateAddresses = true;
            r.AllowedHosts = ["127.0.0.1"];
        });
        await using var server = new GitHttpServer(h.Repo.Root, "x-access-token", Token);
        var leaks = new ConcurrentBag<string>();
        var checks = 0;
        server.WhileAuthenticated = () =>
        {
            Interlocked.Increment(ref checks);
            foreach (var leak in ProcessesWhoseArgumentsContain(Token))
            {
                leaks.Add(leak);
            }
            return Task.CompletedTask;
        };
        var credentials = PushCredentials.FromToken(Token);

        var workspace = await h.Tasks.PrepareAsync(new WorkspaceRequest(Harness.NewTaskId(), server.UrlOf("remote.git"), Title: "over http", Credentials: credentials), TestDefaults.TimeoutToken());
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "pushed.txt"), "p\n");
        var commit = await h.Tasks.CommitAsync(workspace, new CommitRequest("over http"), TestDefaults.TimeoutToken());
        await h.Tasks.PushAsync(workspace, credentials, TestDefaults.TimeoutToken());

        h.Repo.RemoteBranch(workspace.Branch).ShouldBe(commit!.Commit);
        server.ReceivedCredentials.ShouldContain($"x-access-token:{Token}");
        checks.ShouldBeGreaterThan(0);
        leaks.ShouldBeEmpty();
        foreach (var file in Directory.EnumerateFiles(h.Data, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length < 1024 * 1024))
        {
            File.ReadAllText(file).ShouldNotContain(Token, customMessage: file);
        }
        credentials.ToString().ShouldNotContain(Token);
    }

    [Fact]
    public async Task PushAsync_RejectedToken_FailsWithoutEchoingIt()
    {
        using var h = Harness.Create(r =>
        {
            r.AllowInsecureHttp = true;
            r.AllowPrivateAddresses = true;
            r.AllowedHosts = ["127.0.0.1"];
        });
        await using var server = new GitHttpServer(h.Repo.Root, "x-access-token", Token);
        var workspace = await h.Tasks.PrepareAsync(new WorkspaceRequest(Harness.NewTaskId(), server.UrlOf("remote.git"), Credentials: PushCredentials.FromToken(Token)), TestDefaults.TimeoutToken());
        await File.WriteAllTextAsync(Path.Combine(workspace.Path, "a.txt"), "a\n");
        await h.Tasks.CommitAsync(workspace, new CommitRequest("a"));
        var wrong = PushCredentials.FromToken("wrong-" + Token);

        var error = await Should.ThrowAsync<WorkspaceException>(() => h.Tasks.PushAsync(workspace, wrong, TestDefaults.TimeoutToken()));

        error.ToString().ShouldNotContain(Token);
        error.Message.ShouldContain("check the worker's push credentials");
        server.ReceivedCredentials.ShouldContain($"x-access-token:wrong-{Token}");
        h.Repo.RemoteBranch(workspace.Branch).ShouldBeNull();
    }

    [Fact]
    public async Task PrepareAsync_PrivateRepositoryWithoutCredentials_FailsSayingWhatToCheck()
    {
        using var h = Harness.Create(r =>
        {
            r.AllowInsecureHttp = true;
            r.AllowPrivateAddresses = true;
            r.AllowedHosts = ["127.0.0.1"];
        });
        await using var server = new GitHttpServer(h.Repo.Root, "x-access-token", Token);

        var error = await Should.ThrowAsync<WorkspaceException>(() => h.Tasks.PrepareAsync(new WorkspaceRequest(Harness.NewTaskId(), server.UrlOf("remote.git")), TestDefaults.TimeoutToken()));

        error.Message.ShouldContain($"fetching '{server.UrlOf("remote.git")}' failed");
        error.Message.ShouldContain("check that the repository exists and that the worker may read it");
        Directory.EnumerateDirectories(Path.Combine(h.Data, "mirrors")).ShouldBeEmpty();
    }

    private static IEnumerable<string> ProcessesWhoseArgumentsContain(string secret)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }
            string arguments;
            try
            {
                arguments = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            if (arguments.Contains(secret, StringComparison.Ordinal))
            {
                yield return $"{Path.GetFileName(dir)}: {arguments}";
            }
        }
    }
}
