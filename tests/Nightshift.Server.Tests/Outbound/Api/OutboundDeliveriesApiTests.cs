using System.Net;
using System.Text.Json;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Tests.Outbound.Api;

/// <summary>An endpoint's deliveries: listed, shown with every attempt, and a dead letter redelivered with the same id.</summary>
public sealed class OutboundDeliveriesApiTests
{
    [Fact]
    public async Task GetDeliveries_DeadLetter_IsListedAndShownWithItsAttempt_AndNoSecretAppears()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var created = await server.CreateAsync(new { url = OutboundApiServer.PublicUrl });
        var id = created.GetProperty("endpoint").GetProperty("id").GetString()!;
        var secret = created.GetProperty("secret").GetProperty("value").GetString()!;
        var dead = await server.SeedDeadDeliveryAsync(id);

        var listText = await server.Client.GetStringAsync($"/api/v1/webhooks/{id}/deliveries?state=dead&limit=10");
        var oneText = await server.Client.GetStringAsync($"/api/v1/webhooks/{id}/deliveries/{dead.Id}");

        var item = JsonDocument.Parse(listText).RootElement.GetProperty("items").EnumerateArray().Single();
        item.GetProperty("id").GetString().ShouldBe(dead.Id);
        item.GetProperty("id").GetString()!.ShouldStartWith("msg_");
        item.GetProperty("state").GetString().ShouldBe("dead");
        item.GetProperty("attempts").GetInt32().ShouldBe(1);
        item.GetProperty("lastStatusCode").GetInt32().ShouldBe(500);
        item.GetProperty("eventType").GetString().ShouldBe("task.queued");
        item.TryGetProperty("payload", out _).ShouldBeFalse();
        var one = JsonDocument.Parse(oneText).RootElement;
        one.GetProperty("delivery").GetProperty("taskId").GetString().ShouldBe(dead.TaskId);
        one.GetProperty("payload").GetProperty("type").GetString().ShouldBe("task.queued");
        var attempt = one.GetProperty("attempts").EnumerateArray().Single();
        attempt.GetProperty("number").GetInt32().ShouldBe(1);
        attempt.GetProperty("outcome").GetString().ShouldBe("dead");
        attempt.GetProperty("statusCode").GetInt32().ShouldBe(500);
        attempt.GetProperty("responseExcerpt").GetString()!.ShouldContain("<script>");
        attempt.GetProperty("error").GetString()!.ShouldContain("500");
        foreach (var text in new[] { listText, oneText })
        {
            text.ShouldNotContain(secret["whsec_".Length..]);
        }
    }

    [Fact]
    public async Task GetDeliveries_StateFilterAndPaging_AnswerTheRightPage()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var id = await server.CreateWebhookAsync();
        var first = await server.SeedDeadDeliveryAsync(id);
        var second = await server.SeedDeadDeliveryAsync(id);

        var page1 = JsonDocument.Parse(await server.Client.GetStringAsync($"/api/v1/webhooks/{id}/deliveries?limit=1")).RootElement;
        var before = page1.GetProperty("nextBefore").GetInt64();
        var page2 = JsonDocument.Parse(await server.Client.GetStringAsync($"/api/v1/webhooks/{id}/deliveries?limit=1&before={before}")).RootElement;
        var delivered = JsonDocument.Parse(await server.Client.GetStringAsync($"/api/v1/webhooks/{id}/deliveries?state=delivered")).RootElement;

        page1.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetString().ShouldBe(second.Id);
        page2.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetString().ShouldBe(first.Id);
        delivered.GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("state=lost", "state")]
    [InlineData("state=%0D%0A", null)]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("before=-1", "before")]
    [InlineData("before=abc", "before")]
    [InlineData("before=99999999999999999999999", "before")]
    public async Task GetDeliveries_BadQuery_Returns400NamingTheParameter(string query, string? field)
    {
        await using var server = await OutboundApiServer.StartAsync();
        var id = await server.CreateWebhookAsync();

        using var response = await server.Client.GetAsync($"/api/v1/webhooks/{id}/deliveries?{query}");

        if (field is null)
        {
            // Blank after trimming: treated as no filter.
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            return;
        }
        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
    }

    [Fact]
    public async Task PostRedeliver_DeadDelivery_Returns202PendingWithTheSameId_AndASecondTimeIs409()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var id = await server.CreateWebhookAsync();
        var dead = await server.SeedDeadDeliveryAsync(id);

        using var response = await server.Client.PostAsync($"/api/v1/webhooks/{id}/deliveries/{dead.Id}/redeliver", null);
        using var again = await server.Client.PostAsync($"/api/v1/webhooks/{id}/deliveries/{dead.Id}/redeliver", null);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var delivery = await ApiCalls.ReadJsonAsync(response);
        delivery.GetProperty("id").GetString().ShouldBe(dead.Id);
        delivery.GetProperty("state").GetString().ShouldBe("pending");
        delivery.GetProperty("attempts").GetInt32().ShouldBe(0);
        (await ApiCalls.ShouldBeProblemAsync(again, HttpStatusCode.Conflict)).GetProperty("detail").GetString()!.ShouldContain("pending");
        var stored = (await server.Store.GetDeliveryAsync(dead.Id))!;
        stored.State.ShouldBe(OutboundDeliveryState.Pending);
        (await server.Store.ListAttemptsAsync(dead.Id)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task DeliveryRoutes_DeliveryOfAnotherEndpoint_Return404()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var mine = await server.CreateWebhookAsync();
        var other = await server.CreateWebhookAsync("https://other.example.com/hook");
        var dead = await server.SeedDeadDeliveryAsync(other);

        using var get = await server.Client.GetAsync($"/api/v1/webhooks/{mine}/deliveries/{dead.Id}");
        using var redeliver = await server.Client.PostAsync($"/api/v1/webhooks/{mine}/deliveries/{dead.Id}/redeliver", null);

        await ApiCalls.ShouldBeProblemAsync(get, HttpStatusCode.NotFound);
        await ApiCalls.ShouldBeProblemAsync(redeliver, HttpStatusCode.NotFound);
        (await server.Store.GetDeliveryAsync(dead.Id))!.State.ShouldBe(OutboundDeliveryState.Dead);
    }

    [Fact]
    public async Task DeleteWebhook_WithDeliveries_RemovesThemToo()
    {
        await using var server = await OutboundApiServer.StartAsync();
        var id = await server.CreateWebhookAsync();
        var dead = await server.SeedDeadDeliveryAsync(id);

        using var deleted = await server.Client.DeleteAsync($"/api/v1/webhooks/{id}");

        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await server.Store.GetDeliveryAsync(dead.Id)).ShouldBeNull();
    }
}
