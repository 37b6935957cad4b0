using System.Net;
using Nightshift.Dashboard.Tests.Support;
using Nightshift.Storage.Teams;

namespace Nightshift.Dashboard.Tests;

/// <summary>The dashboard's form posts are in the audit log: sign-ins (failed ones as anonymous), tasks made and cancelled.</summary>
public sealed class AuditDashboardTests
{
    private static async Task<AuditEntry> EntryAsync(DashboardServer server, string action, Func<AuditEntry, bool>? match = null)
    {
        AuditEntry? found = null;
        await TestKit.TestDefaults.WaitUntilAsync(async () =>
        {
            var page = await server.Store.ListAuditAsync(new AuditQuery("default", Action: action));
            found = page.Entries.FirstOrDefault(e => match?.Invoke(e) ?? true);
            return found is not null;
        }, $"the audit log has {action}");
        return found!;
    }

    [Fact]
    public async Task SignIn_WrongToken_IsRecordedAsAnonymous401_WithoutTheTokenSent()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var browser = server.Browser();

        (await DashboardServer.SignInAsync(browser, "ns_test_wrong_token_0000000000")).Dispose();
        (await DashboardServer.SignInAsync(browser, server.Token)).Dispose();

        var refused = await EntryAsync(server, "session.signin", e => e.Outcome == 401);
        var signedIn = await EntryAsync(server, "session.signin", e => e.Outcome == 302);
        refused.ActorId.ShouldBe("anonymous");
        refused.Address.ShouldBe("127.0.0.1");
        (refused.Detail ?? "").ShouldNotContain("ns_test_wrong");
        signedIn.Detail.ShouldNotBeNull();
        var everything = string.Join("\n", (await server.Store.ListAuditAsync(new AuditQuery(null))).Entries);
        everything.ShouldNotContain("ns_test_wrong");
        everything.ShouldNotContain(server.Token);
    }

    [Fact]
    public async Task NewTaskForm_AndCancelButton_AreRecordedWithTheTasksId()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false);
        using var browser = server.Browser();
        (await DashboardServer.SignInAsync(browser, server.Token)).Dispose();
        var form = await browser.GetStringAsync("/tasks/new");

        using var post = await browser.PostAsync("/tasks/new", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["repo"] = "https://github.com/example/app",
            ["instruction"] = "Keep sk-test-form-secret out of the log",
            ["__antiforgery"] = DashboardServer.AntiforgeryToken(form),
        }));
        post.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var id = post.Headers.Location!.OriginalString.Split('/')[^1];
        var page = await browser.GetStringAsync($"/tasks/{id}");
        using var cancel = await browser.PostAsync($"/tasks/{id}?handler=Cancel", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__antiforgery"] = DashboardServer.AntiforgeryToken(page),
        }));

        var submitted = await EntryAsync(server, "task.submit", e => e.Target == id);
        var cancelled = await EntryAsync(server, "task.cancel", e => e.Target == id);
        submitted.Outcome.ShouldBe(302);
        submitted.Detail!.ShouldContain("\"via\"");
        cancelled.Outcome.ShouldBe((int)cancel.StatusCode);
        string.Join("\n", (await server.Store.ListAuditAsync(new AuditQuery(null))).Entries).ShouldNotContain("sk-test-form-secret");
    }
}
