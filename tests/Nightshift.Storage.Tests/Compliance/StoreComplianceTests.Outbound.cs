using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.Storage.Outbound;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    /// <summary>Obviously fake signing secrets: "whsec_" and the base64 of 32 bytes of a readable phrase.</summary>
    protected const string FakeSecret = "whsec_ZmFrZS1zZWNyZXQtZm9yLXRlc3RzLW9ubHktMDAwMQ==";
    protected const string OtherFakeSecret = "whsec_ZmFrZS1zZWNyZXQtZm9yLXRlc3RzLW9ubHktMDAwMg==";

    protected static NewOutboundEndpoint Webhook(string url = "https://hooks.example.com/nightshift", string? secret = FakeSecret, int maxInFlight = 4) =>
        new(OutboundChannel.Webhook, url, [], "the build board", [], [], secret, MaxInFlight: maxInFlight);

    protected static NewOutboundEndpoint Email(params string[] recipients) =>
        new(OutboundChannel.Email, null, recipients, null, ["task.succeeded", "task.failed"], [], null);

    protected static NewOutboundEndpoint Configured(string id, string url = "https://chat.example.com/hook") =>
        new(OutboundChannel.Slack, url, [], "from the file", ["task.*"], [], null, ManagedBy: OutboundEndpoint.ManagedByConfig, Id: id);

    private static string Fake(int bytes, char fill = 'k') => "whsec_" + Convert.ToBase64String(Enumerable.Repeat((byte)fill, bytes).ToArray());

    [StoreFact]
    public async Task CreateEndpoint_Webhook_IsActiveWithItsSecretAndListedOldestFirst()
    {
        var first = await Store.CreateEndpointAsync(Webhook() with { EventTypes = ["task.*", "plan.approved", "task.*"], Repositories = ["https://example.com/acme/app"] });
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Store.CreateEndpointAsync(Email("ops@example.com", "lead@example.org"));

        first.Id.ShouldStartWith("we_");
        first.Id.Length.ShouldBe(27);
        first.Active.ShouldBeTrue();
        first.DisabledReason.ShouldBeNull();
        first.ManagedBy.ShouldBe(OutboundEndpoint.ManagedByApi);
        first.EventTypes.ShouldBe(["task.*", "plan.approved"], "kept in the order given, without repeats");
        first.Repositories.ShouldBe(["https://example.com/acme/app"]);
        first.MaxInFlight.ShouldBe(4);
        first.CreatedAt.ShouldBe(Clock.GetUtcNow().AddSeconds(-1));
        var secret = first.Secrets.ShouldHaveSingleItem();
        secret.Id.ShouldStartWith("sec_");
        secret.Value.ShouldBe(FakeSecret);
        secret.ExpiresAt.ShouldBeNull();
        second.Url.ShouldBeNull();
        second.Recipients.ShouldBe(["ops@example.com", "lead@example.org"]);
        second.Secrets.ShouldBeEmpty();

        (await Store.ListEndpointsAsync()).Select(e => e.Id).ShouldBe([first.Id, second.Id]);
        var read = (await Store.GetEndpointAsync(first.Id))!;
        read.ShouldBeEquivalentTo(first);
        (await Store.GetEndpointAsync("we_000000000000000000000000")).ShouldBeNull();
        (await Store.GetEndpointAsync("../../etc/passwd")).ShouldBeNull();
        (await Store.GetEndpointAsync("")).ShouldBeNull();
    }

    [StoreFact]
    public async Task CreateEndpoint_MalformedOrHostileUrls_AreRefusedAndNothingIsStored()
    {
        string[] refused =
        [
            "", "hooks.example.com/x", "/relative/path", "ftp://example.com/x", "javascript:alert(1)", "file:///etc/passwd",
            "https://user:pw@example.com/x", "https://token@example.com/x", "https://example.com/x\r\nX-Evil: 1",
            "https://example.com/a b", " https://example.com/x", "https://example.com/\0", "data:text/plain,hi",
            "https://example.com/" + new string('a', OutboundEndpoint.MaxUrlLength),
        ];
        foreach (var url in refused)
        {
            var error = await Should.ThrowAsync<ValidationException>(() => Store.CreateEndpointAsync(Webhook(url)), $"url {url.Replace("\r\n", "\\r\\n", StringComparison.Ordinal)}");
            error.Errors.Keys.ShouldContain("url");
        }
        await Should.ThrowAsync<ValidationException>(() => Store.CreateEndpointAsync(Webhook() with { Url = null }));
        await Should.ThrowAsync<ValidationException>(() => Store.CreateEndpointAsync(Email("ops@example.com") with { Url = "https://example.com/x" }));

        (await Store.ListEndpointsAsync()).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task CreateEndpoint_MalformedFieldsAndHugeLists_AreRefusedNamingTheField()
    {
        var tooMany = Enumerable.Range(0, OutboundEndpoint.MaxFilters + 1).Select(i => $"task.t{(char)('a' + (i % 26))}").ToArray();
        (NewOutboundEndpoint Endpoint, string Field)[] cases =
        [
            (Webhook() with { EventTypes = ["Task.Succeeded"] }, "eventTypes"),
            (Webhook() with { EventTypes = ["task.succeeded\n"] }, "eventTypes"),
            (Webhook() with { EventTypes = ["task..x"] }, "eventTypes"),
            (Webhook() with { EventTypes = ["task.*.x"] }, "eventTypes"),
            (Webhook() with { EventTypes = ["'; DROP TABLE tasks; --"] }, "eventTypes"),
            (Webhook() with { EventTypes = [new string('a', OutboundEndpoint.MaxFilterLength + 1)] }, "eventTypes"),
            (Webhook() with { EventTypes = tooMany }, "eventTypes"),
            (Webhook() with { Repositories = ["acme/app\u0007"] }, "repositories"),
            (Webhook() with { Repositories = [" "] }, "repositories"),
            (Webhook() with { Repositories = [new string('r', OutboundEndpoint.MaxFilterLength + 1)] }, "repositories"),
            (Webhook() with { Description = "line one\r\nline two" }, "description"),
            (Webhook() with { Description = new string('d', OutboundEndpoint.MaxDescriptionLength + 1) }, "description"),
            (Webhook() with { Recipients = ["ops@example.com"] }, "recipients"),
            (Webhook(secret: null), "secret"),
            (Webhook(secret: "not-a-secret"), "secret"),
            (Webhook(secret: "whsec_!!!not-base64!!!"), "secret"),
            (Webhook(secret: Fake(23)), "secret"),
            (Webhook(secret: Fake(65)), "secret"),
            (Webhook(maxInFlight: 0), "maxInFlight"),
            (Webhook(maxInFlight: OutboundEndpoint.MaxMaxInFlight + 1), "maxInFlight"),
            (Webhook() with { MaxPerMinute = -1 }, "maxPerMinute"),
            (Webhook() with { MaxPerMinute = OutboundEndpoint.MaxMaxPerMinute + 1 }, "maxPerMinute"),
            (Webhook() with { ManagedBy = "root" }, "managedBy"),
            (Webhook() with { Id = "Has Spaces" }, "id"),
            (Webhook() with { Id = new string('a', OutboundEndpoint.MaxIdLength + 1) }, "id"),
            (Configured("team-chat") with { Id = null }, "id"),
            (Email(), "recipients"),
            (Email("not-an-address"), "recipients"),
            (Email("two@@example.com"), "recipients"),
            (Email("a@b@example.com"), "recipients"),
            (Email("Ops <ops@example.com>"), "recipients"),
            (Email("ops@example.com,evil@example.com"), "recipients"),
            (Email("ops@example.com\r\nBcc: evil@example.com"), "recipients"),
            (Email("@example.com"), "recipients"),
            (Email(new string('a', 250) + "@example.com"), "recipients"),
            (Email(Enumerable.Range(0, OutboundEndpoint.MaxRecipients + 1).Select(i => $"u{i}@example.com").ToArray()), "recipients"),
            (Email("ops@example.com") with { Secret = FakeSecret }, "secret"),
        ];
        foreach (var (endpoint, field) in cases)
        {
            var error = await Should.ThrowAsync<ValidationException>(() => Store.CreateEndpointAsync(endpoint), $"expected {field} to be refused");
            error.Errors.Keys.ShouldContain(field);
        }

        (await Store.ListEndpointsAsync()).ShouldBeEmpty();
        (await Store.CreateEndpointAsync(Webhook(secret: Fake(24)) with { EventTypes = ["*", "task.*", "plan.awaiting_approval"] })).Active.ShouldBeTrue();
        (await Store.CreateEndpointAsync(Webhook(secret: Fake(64)))).Secrets.ShouldHaveSingleItem();
    }

    [StoreFact]
    public async Task UpdateEndpoint_Patch_ChangesOnlyTheGivenFieldsAndActiveManagesTheReason()
    {
        var made = await Store.CreateEndpointAsync(Webhook());
        Clock.Advance(TimeSpan.FromMinutes(1));

        var off = (await Store.UpdateEndpointAsync(made.Id, new OutboundEndpointPatch(Active: false, EventTypes: ["task.failed"], MaxPerMinute: 30)))!;

        off.Active.ShouldBeFalse();
        off.DisabledReason!.ShouldContain("turned off");
        off.EventTypes.ShouldBe(["task.failed"]);
        off.MaxPerMinute.ShouldBe(30);
        off.Url.ShouldBe(made.Url);
        off.Description.ShouldBe(made.Description);
        off.Secrets.ShouldBe(made.Secrets);
        off.UpdatedAt.ShouldBe(Clock.GetUtcNow());

        var on = (await Store.UpdateEndpointAsync(made.Id, new OutboundEndpointPatch(Active: true, Url: "https://hooks.example.com/v2", Description: "")))!;
        on.Active.ShouldBeTrue();
        on.DisabledReason.ShouldBeNull();
        on.Url.ShouldBe("https://hooks.example.com/v2");
        on.Description.ShouldBeNull("an empty description clears it");
        on.EventTypes.ShouldBe(["task.failed"]);
        (await Store.GetEndpointAsync(made.Id)).ShouldBeEquivalentTo(on);
    }

    [StoreFact]
    public async Task UpdateEndpoint_BadValuesOrUnknownId_RefusedOrNullAndNothingChanges()
    {
        var made = await Store.CreateEndpointAsync(Webhook());

        await Should.ThrowAsync<ValidationException>(() => Store.UpdateEndpointAsync(made.Id, new OutboundEndpointPatch(Url: "javascript:alert(1)")));
        await Should.ThrowAsync<ValidationException>(() => Store.UpdateEndpointAsync(made.Id, new OutboundEndpointPatch(Recipients: ["ops@example.com"])));
        await Should.ThrowAsync<ValidationException>(() => Store.UpdateEndpointAsync(made.Id, new OutboundEndpointPatch(MaxInFlight: 65)));
        await Should.ThrowAsync<ValidationException>(() => Store.UpdateEndpointAsync(made.Id, new OutboundEndpointPatch(EventTypes: ["task.*\u0000"])));

        (await Store.GetEndpointAsync(made.Id)).ShouldBeEquivalentTo(made);
        (await Store.UpdateEndpointAsync("we_000000000000000000000000", new OutboundEndpointPatch(Active: false))).ShouldBeNull();
        (await Store.UpdateEndpointAsync("x'; DROP TABLE outbound_endpoints; --", new OutboundEndpointPatch(Active: false))).ShouldBeNull();
        (await Store.DeleteEndpointAsync("we_000000000000000000000000")).ShouldBeFalse();
    }

    [StoreFact]
    public async Task ConfigManagedEndpoint_ApiChanges_AreRefusedSayingItIsManagedByTheConfiguration()
    {
        await Store.SyncConfiguredEndpointsAsync([Configured("team-chat"), new NewOutboundEndpoint(OutboundChannel.Webhook, "https://a.example.com/h", [], null, [], [], FakeSecret, Id: "signed")]);
        var secretId = (await Store.GetEndpointAsync("signed"))!.Secrets[0].Id;

        var errors = new[]
        {
            await Should.ThrowAsync<ValidationException>(() => Store.UpdateEndpointAsync("team-chat", new OutboundEndpointPatch(Active: false))),
            await Should.ThrowAsync<ValidationException>(() => Store.DeleteEndpointAsync("team-chat")),
            await Should.ThrowAsync<ValidationException>(() => Store.AddSecretAsync("signed", OtherFakeSecret, null)),
            await Should.ThrowAsync<ValidationException>(() => Store.RemoveSecretAsync("signed", secretId)),
        };

        errors.ShouldAllBe(e => e.Message.Contains("managed by the configuration file", StringComparison.Ordinal));
        (await Store.GetEndpointAsync("team-chat"))!.Active.ShouldBeTrue();
        (await Store.GetEndpointAsync("signed"))!.Secrets.ShouldHaveSingleItem();
    }

    [StoreFact]
    public async Task SyncConfiguredEndpoints_AddsUpdatesRemovesAndLeavesApiEndpoints()
    {
        var api = await Store.CreateEndpointAsync(Webhook());
        await Store.SyncConfiguredEndpointsAsync([Configured("team-chat"), Configured("old-chat")]);
        var before = (await Store.GetEndpointAsync("team-chat"))!;
        Clock.Advance(TimeSpan.FromMinutes(1));

        await Store.SyncConfiguredEndpointsAsync([Configured("team-chat", "https://chat.example.com/new"), Configured("ops-mail") with { Channel = OutboundChannel.Email, Url = null, Recipients = ["ops@example.com"] }]);

        var all = await Store.ListEndpointsAsync();
        all.Select(e => e.Id).ShouldBe([api.Id, "team-chat", "ops-mail"]);
        all.ShouldAllBe(e => e.Active);
        var chat = all[1];
        chat.ManagedBy.ShouldBe(OutboundEndpoint.ManagedByConfig);
        chat.Url.ShouldBe("https://chat.example.com/new");
        chat.CreatedAt.ShouldBe(before.CreatedAt);
        chat.UpdatedAt.ShouldBe(Clock.GetUtcNow());
        all[2].Recipients.ShouldBe(["ops@example.com"]);
        (await Store.GetEndpointAsync(api.Id)).ShouldBeEquivalentTo(api);

        Clock.Advance(TimeSpan.FromMinutes(1));
        await Store.SyncConfiguredEndpointsAsync([Configured("team-chat", "https://chat.example.com/new"), Configured("ops-mail") with { Channel = OutboundChannel.Email, Url = null, Recipients = ["ops@example.com"] }]);
        (await Store.GetEndpointAsync("team-chat"))!.UpdatedAt.ShouldBe(chat.UpdatedAt, "nothing changed, nothing written");

        await Store.SyncConfiguredEndpointsAsync([]);
        (await Store.ListEndpointsAsync()).Select(e => e.Id).ShouldBe([api.Id]);
    }

    [StoreFact]
    public async Task SyncConfiguredEndpoints_EndpointDisabledByGone_StaysDisabled()
    {
        await Store.SyncConfiguredEndpointsAsync([Configured("team-chat")]);
        var task = await SubmitAsync();
        await MakeDeliveriesAsync(task.Id, "team-chat", 1);
        var claimed = (await Store.ClaimDueDeliveriesAsync("server-a", LeaseTime, 10)).Single();
        await Store.RecordAttemptAsync(claimed.Id, "server-a", Attempt(AttemptOutcome.Gone, 410));

        await Store.SyncConfiguredEndpointsAsync([Configured("team-chat", "https://chat.example.com/moved")]);

        var chat = (await Store.GetEndpointAsync("team-chat"))!;
        chat.Url.ShouldBe("https://chat.example.com/moved");
        chat.Active.ShouldBeFalse();
        chat.DisabledReason!.ShouldContain("410");
    }

    [StoreFact]
    public async Task SyncConfiguredEndpoints_BadDeclarations_AreRefusedAndNothingChanges()
    {
        var api = await Store.CreateEndpointAsync(Webhook() with { Id = "taken" });
        await Store.SyncConfiguredEndpointsAsync([Configured("team-chat")]);

        await Should.ThrowAsync<ValidationException>(() => Store.SyncConfiguredEndpointsAsync([Configured("twice"), Configured("twice")]));
        await Should.ThrowAsync<ValidationException>(() => Store.SyncConfiguredEndpointsAsync([Configured("taken")]));
        await Should.ThrowAsync<ValidationException>(() => Store.SyncConfiguredEndpointsAsync([Configured("Bad Id")]));
        await Should.ThrowAsync<ValidationException>(() => Store.SyncConfiguredEndpointsAsync([Configured("new-one", "javascript:alert(1)")]));
        await Should.ThrowAsync<ValidationException>(() => Store.SyncConfiguredEndpointsAsync([Configured("team-chat") with { Id = null }]));

        (await Store.ListEndpointsAsync()).Select(e => e.Id).ShouldBe(["taken", "team-chat"]);
        (await Store.GetEndpointAsync("taken"))!.ManagedBy.ShouldBe(api.ManagedBy);
    }

    [StoreFact]
    public async Task SyncConfiguredEndpoints_WebhookSecretChanged_SignsWithTheNewOneOnly()
    {
        var declared = new NewOutboundEndpoint(OutboundChannel.Webhook, "https://a.example.com/h", [], null, [], [], FakeSecret, Id: "signed");
        await Store.SyncConfiguredEndpointsAsync([declared]);
        var first = (await Store.GetEndpointAsync("signed"))!.Secrets.Single();

        await Store.SyncConfiguredEndpointsAsync([declared]);
        (await Store.GetEndpointAsync("signed"))!.Secrets.Single().ShouldBe(first);
        await Store.SyncConfiguredEndpointsAsync([declared with { Secret = OtherFakeSecret }]);

        (await Store.GetEndpointAsync("signed"))!.Secrets.Single().Value.ShouldBe(OtherFakeSecret);
    }

    [StoreFact]
    public async Task CreateEndpoint_GivenIdTaken_IsRefused()
    {
        await Store.CreateEndpointAsync(Webhook() with { Id = "board" });

        var error = await Should.ThrowAsync<ValidationException>(() => Store.CreateEndpointAsync(Webhook() with { Id = "board" }));

        error.Message.ShouldContain("already exists");
        (await Store.ListEndpointsAsync()).Count.ShouldBe(1);
    }

    [StoreFact]
    public async Task AddSecret_WithRetirement_BothSignUntilTheOldOneExpiresThenItIsRemoved()
    {
        var made = await Store.CreateEndpointAsync(Webhook());
        var retireAt = Clock.GetUtcNow().AddHours(24);

        var rotated = (await Store.AddSecretAsync(made.Id, OtherFakeSecret, retireAt))!;

        rotated.Secrets.Count.ShouldBe(2);
        rotated.Secrets[0].Value.ShouldBe(FakeSecret);
        rotated.Secrets[0].ExpiresAt.ShouldBe(retireAt);
        rotated.Secrets[1].Value.ShouldBe(OtherFakeSecret);
        rotated.Secrets[1].ExpiresAt.ShouldBeNull();
        rotated.Secrets.ShouldAllBe(s => s.IsActiveAt(Clock.GetUtcNow()));

        Clock.Advance(TimeSpan.FromHours(25));
        var third = Fake(32, 'z');
        var after = (await Store.AddSecretAsync(made.Id, third, null))!;
        after.Secrets.Select(s => s.Value).ShouldBe([OtherFakeSecret, third], "the expired one is removed");
        after.Secrets.ShouldAllBe(s => s.ExpiresAt == null);
    }

    [StoreFact]
    public async Task AddSecret_BadInput_IsRefusedOrNull()
    {
        var made = await Store.CreateEndpointAsync(Webhook());
        var mail = await Store.CreateEndpointAsync(Email("ops@example.com"));

        await Should.ThrowAsync<ValidationException>(() => Store.AddSecretAsync(made.Id, "whsec_short", null));
        await Should.ThrowAsync<ValidationException>(() => Store.AddSecretAsync(made.Id, FakeSecret, null));
        await Should.ThrowAsync<ValidationException>(() => Store.AddSecretAsync(made.Id, OtherFakeSecret, Clock.GetUtcNow().AddMinutes(-1)));
        await Should.ThrowAsync<ValidationException>(() => Store.AddSecretAsync(mail.Id, OtherFakeSecret, null));
        for (var i = 1; i < OutboundEndpoint.MaxSecrets; i++)
        {
            await Store.AddSecretAsync(made.Id, Fake(32, (char)('a' + i)), null);
        }
        var full = await Should.ThrowAsync<ValidationException>(() => Store.AddSecretAsync(made.Id, OtherFakeSecret, null));

        full.Message.ShouldContain(OutboundEndpoint.MaxSecrets.ToString(CultureInfo.InvariantCulture));
        (await Store.AddSecretAsync("we_000000000000000000000000", OtherFakeSecret, null)).ShouldBeNull();
        (await Store.GetEndpointAsync(made.Id))!.Secrets.Count.ShouldBe(OutboundEndpoint.MaxSecrets);
    }

    [StoreFact]
    public async Task RemoveSecret_LastActiveOne_IsRefusedButAnotherCanGo()
    {
        var made = await Store.CreateEndpointAsync(Webhook());
        var only = made.Secrets.Single();

        var error = await Should.ThrowAsync<ValidationException>(() => Store.RemoveSecretAsync(made.Id, only.Id));
        error.Message.ShouldContain("last secret");

        var rotated = (await Store.AddSecretAsync(made.Id, OtherFakeSecret, null))!;
        (await Store.RemoveSecretAsync(made.Id, only.Id)).ShouldBeTrue();
        (await Store.RemoveSecretAsync(made.Id, only.Id)).ShouldBeFalse("already gone");
        (await Store.RemoveSecretAsync(made.Id, "sec_000000000000000000000000")).ShouldBeFalse();
        (await Store.RemoveSecretAsync("we_000000000000000000000000", only.Id)).ShouldBeFalse();
        (await Store.GetEndpointAsync(made.Id))!.Secrets.Single().Id.ShouldBe(rotated.Secrets[1].Id);
    }

    [StoreFact]
    public async Task RemoveSecret_OnlyOtherOneExpired_IsRefusedAsTheLastThatSigns()
    {
        var made = await Store.CreateEndpointAsync(Webhook());
        var rotated = (await Store.AddSecretAsync(made.Id, OtherFakeSecret, Clock.GetUtcNow()))!;

        await Should.ThrowAsync<ValidationException>(() => Store.RemoveSecretAsync(made.Id, rotated.Secrets[1].Id));
        (await Store.RemoveSecretAsync(made.Id, rotated.Secrets[0].Id)).ShouldBeTrue("an expired secret may always go");
    }

    [StoreFact]
    public async Task DeleteEndpoint_WithDeliveriesAndAttempts_LeavesNothingBehind()
    {
        var doomed = await Store.CreateEndpointAsync(Webhook());
        var kept = await Store.CreateEndpointAsync(Webhook("https://other.example.com/h"));
        var task = await SubmitAsync();
        await MakeDeliveriesAsync(task.Id, [doomed.Id, kept.Id], 3);
        foreach (var delivery in await Store.ClaimDueDeliveriesAsync("server-a", LeaseTime, 10))
        {
            await Store.RecordAttemptAsync(delivery.Id, "server-a", Attempt(AttemptOutcome.Retry, 500, retryAt: Clock.GetUtcNow()));
        }

        (await Store.DeleteEndpointAsync(doomed.Id)).ShouldBeTrue();

        (await Store.GetEndpointAsync(doomed.Id)).ShouldBeNull();
        (await RawCountAsync($"SELECT COUNT(*) FROM outbound_deliveries WHERE endpoint_id = '{doomed.Id}'")).ShouldBe(0);
        (await RawCountAsync($"SELECT COUNT(*) FROM outbound_secrets WHERE endpoint_id = '{doomed.Id}'")).ShouldBe(0);
        (await RawCountAsync("SELECT COUNT(*) FROM outbound_attempts WHERE delivery_id NOT IN (SELECT id FROM outbound_deliveries)")).ShouldBe(0);
        (await RawCountAsync("SELECT COUNT(*) FROM outbound_attempts")).ShouldBe(1);
        (await Store.ListDeliveriesAsync(kept.Id, null, null, 10)).Deliveries.Count.ShouldBe(3);
    }

    private async Task<long> RawCountAsync(string sql) => Convert.ToInt64(await RawScalarAsync(sql), CultureInfo.InvariantCulture);
}
