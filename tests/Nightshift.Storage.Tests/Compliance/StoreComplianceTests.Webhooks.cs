using Nightshift.Core.Errors;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    private WebhookDelivery Delivery(string id = "72d3162e-cc78-11e3-81ab-4c9367dc0958", string? taskId = null) =>
        new("github", id, "issues", taskId is null ? "ignored" : "queued", taskId, DateTimeOffset.UnixEpoch);

    [StoreFact]
    public async Task RecordDelivery_New_IsKeptWithTheStoresClockAndFoundFromAnotherStore()
    {
        var task = await SubmitAsync();

        (await Store.RecordDeliveryAsync(Delivery(taskId: task.Id))).ShouldBeTrue();

        var found = await (await OpenAsync()).FindDeliveryAsync("github", Delivery().DeliveryId);
        found.ShouldBe(Delivery(taskId: task.Id) with { ReceivedAt = TruncatedNow() });
    }

    [StoreFact]
    public async Task RecordDelivery_SameIdTwice_KeepsTheFirstAndAnswersFalse()
    {
        (await Store.RecordDeliveryAsync(Delivery())).ShouldBeTrue();
        var task = await SubmitAsync();

        (await Store.RecordDeliveryAsync(Delivery(taskId: task.Id))).ShouldBeFalse();

        (await Store.FindDeliveryAsync("github", Delivery().DeliveryId))!.TaskId.ShouldBeNull();
    }

    [StoreFact]
    public async Task RecordDelivery_ConcurrentReceipts_ExactlyOneIsNew()
    {
        var receipts = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            var store = await OpenAsync();
            return await store.RecordDeliveryAsync(Delivery("concurrent"));
        }));

        receipts.Count(r => r).ShouldBe(1);
    }

    [StoreFact]
    public async Task RecordDelivery_SameIdOnAnotherForge_IsADifferentDelivery()
    {
        (await Store.RecordDeliveryAsync(Delivery("7"))).ShouldBeTrue();

        (await Store.RecordDeliveryAsync(Delivery("7") with { Forge = "gitea" })).ShouldBeTrue();
    }

    [StoreFact]
    public async Task RecordDelivery_MissingOrOversizedOrHostileFields_AreRefused()
    {
        await Should.ThrowAsync<ValidationException>(() => Store.RecordDeliveryAsync(Delivery(" ")));
        await Should.ThrowAsync<ValidationException>(() => Store.RecordDeliveryAsync(Delivery(new string('a', WebhookDelivery.MaxDeliveryIdLength + 1))));
        await Should.ThrowAsync<ValidationException>(() => Store.RecordDeliveryAsync(Delivery("a\nb")));
        await Should.ThrowAsync<ValidationException>(() => Store.RecordDeliveryAsync(Delivery() with { Event = "" }));
        await Should.ThrowAsync<ValidationException>(() => Store.RecordDeliveryAsync(Delivery() with { TaskId = "'; DROP TABLE tasks; --" }));

        (await Store.FindDeliveryAsync("github", Delivery().DeliveryId)).ShouldBeNull();
    }

    [StoreFact]
    public async Task FindDelivery_UnknownOrOversizedId_IsNull()
    {
        (await Store.FindDeliveryAsync("github", "never-sent")).ShouldBeNull();
        (await Store.FindDeliveryAsync("github", new string('x', 10_000))).ShouldBeNull();
        (await Store.FindDeliveryAsync("", "x")).ShouldBeNull();
    }

    private DateTimeOffset TruncatedNow() => DateTimeOffset.FromUnixTimeMilliseconds(Clock.GetUtcNow().ToUnixTimeMilliseconds());
}
