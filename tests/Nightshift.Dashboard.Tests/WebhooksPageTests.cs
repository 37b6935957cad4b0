using Microsoft.Playwright;
using Nightshift.Dashboard.Tests.Support;
using Nightshift.Storage.Outbound;
using Nightshift.TestKit;

namespace Nightshift.Dashboard.Tests;

/// <summary>The Webhooks page in Debian's Chromium: add an endpoint (its secret shown once), see it listed, redeliver a dead letter.</summary>
public sealed class WebhooksPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Owner = "dashboard-test";

    [Fact]
    public async Task WebhooksPage_AddEndpointThenRedeliverADeadLetter_ShowsTheSecretOnceAndEscapesTheExcerpt()
    {
        await using var server = await DashboardServer.StartAsync(runWorker: false, appSettingsJson: """{"Outbound": {"Enabled": false}}""");
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)TestDefaults.Timeout.TotalMilliseconds);
        await page.GotoAsync(Nightshift.Server.Auth.SignInLink.WithToken(server.Url, server.Token));
        await page.WaitForURLAsync(server.Url + "/");

        await page.GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).ClickAsync();
        await page.GetByLabel("URL").FillAsync("https://hooks.example.com/nightshift");
        await page.GetByLabel("Event types").FillAsync("task.succeeded, task.failed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();

        await Assertions.Expect(page.Locator("#secret-value")).ToContainTextAsync("whsec_");
        var endpoint = (await server.Store.ListEndpointsAsync()).Single();
        var shown = (await page.Locator("#secret-value").TextContentAsync())!;
        shown.ShouldStartWith("whsec_");
        // Stored as ciphertext: the page showed the value itself, once.
        endpoint.Secrets.Single().Value.ShouldStartWith("dp1:");
        endpoint.Secrets.Single().Value.ShouldNotContain(shown["whsec_".Length..]);
        var row = page.Locator($"#endpoints tr[data-endpoint='{endpoint.Id}']");
        await Assertions.Expect(row).ToContainTextAsync("https://hooks.example.com/nightshift");
        await Assertions.Expect(row).ToContainTextAsync("task.succeeded, task.failed");
        await Assertions.Expect(row.Locator("[data-state]")).ToHaveAttributeAsync("data-state", "active");

        var dead = await SeedDeadDeliveryAsync(server, endpoint.Id, "<script>window.__xss = 1</script><b>upstream down</b>");
        await page.GotoAsync($"{server.Url}/webhooks?endpoint={endpoint.Id}");
        (await page.ContentAsync()).ShouldNotContain(shown["whsec_".Length..]);
        var attempts = page.Locator($"tr[data-attempts-of='{dead.Id}']");
        await Assertions.Expect(attempts.Locator(".excerpt")).ToHaveTextAsync("<script>window.__xss = 1</script><b>upstream down</b>");
        await Assertions.Expect(attempts).ToContainTextAsync("status 500");
        (await page.EvaluateAsync<bool>("() => window.__xss === undefined")).ShouldBeTrue("the receiver's answer ran as script");
        await BrowserFixture.ScreenshotAsync(page, "webhooks-dead-letter-1280-light");
        await attempts.GetByRole(AriaRole.Button, new() { Name = "Redeliver" }).ClickAsync();

        await Assertions.Expect(page.Locator($"tr[data-delivery='{dead.Id}']")).ToHaveAttributeAsync("data-state", "pending");
        (await server.Store.GetDeliveryAsync(dead.Id))!.State.ShouldBe(OutboundDeliveryState.Pending);
    }

    private static async Task<OutboundDelivery> SeedDeadDeliveryAsync(DashboardServer server, string endpointId, string excerpt)
    {
        var taskId = await server.SubmitAsync("Seed a delivery");
        var store = server.Store;
        (await store.ClaimOutboxCursorAsync(taskId, Owner, TimeSpan.FromMinutes(1))).ShouldNotBeNull();
        (await store.CompleteOutboxAsync(taskId, Owner, 1, [new NewOutboundDelivery(endpointId, taskId, 1, "task.queued", "{\"type\":\"task.queued\"}")])).ShouldBeTrue();
        var delivery = (await store.ClaimDueDeliveriesAsync(Owner, TimeSpan.FromMinutes(1), 10)).Single();
        (await store.RecordAttemptAsync(
            delivery.Id,
            Owner,
            new AttemptResult(AttemptOutcome.Dead, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(90), 500, "the receiver answered 500 Internal Server Error", excerpt))).ShouldBeTrue();
        return delivery;
    }
}
