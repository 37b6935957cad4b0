using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Workspaces.Tests;

public sealed class RedirectTests
{
    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task PrepareAsync_AllowedHostRedirectsElsewhere_FailsWithoutContactingTheTarget(int status)
    {
        using var h = Harness.Create(r =>
        {
            r.AllowInsecureHttp = true;
            r.AllowPrivateAddresses = true;
            r.AllowedHosts = ["127.0.0.1"];
        });
        using var target = new CanaryListener();
        await using var server = new RedirectingHttpServer($"http://127.0.0.1:{target.Port}/stolen", status);

        var error = await Should.ThrowAsync<WorkspaceException>(() =>
            h.Tasks.PrepareAsync(new WorkspaceRequest(Harness.NewTaskId(), server.UrlOf("remote.git")), TestDefaults.TimeoutToken()));

        server.Requests.ShouldNotBeEmpty();
        target.Connections.ShouldBe(0);
        error.Message.ShouldContain($"returned error: {status}");
        error.Message.ShouldContain("never follows redirects");
        error.Message.ShouldContain("give the repository's final URL");
    }
}
