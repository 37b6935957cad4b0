using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Server.Outbound;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Tests.Outbound.Notifications;

/// <summary>Deliveries and endpoints as the dispatcher hands them to a sender, with payloads rendered the way the fan-out renders them.</summary>
internal static class NotificationSamples
{
    public const string TaskId = "t_0123456789abcdef";
    public const string Repo = "https://github.com/acme/web.git";
    public const string TaskUrl = "https://nightshift.example.com/tasks/t_0123456789abcdef";
    public const string PullRequestUrl = "https://github.com/acme/web/pull/42";

    /// <summary>Obviously fake: the shape of an incoming webhook's path.</summary>
    public const string FakeSlackPath = "/services/TFAKE0000/BFAKE0000/fakeTokenNotReal0123456789";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Payload(
        string type = EventTypes.TaskFailed,
        string title = "Fix the login page",
        string repo = Repo,
        string? reason = "the tests still fail: LoginTests.Submit_EmptyPassword_ShowsError",
        string? branch = "nightshift/fix-login",
        string? pullRequestUrl = PullRequestUrl,
        string? taskUrl = TaskUrl)
    {
        var data = reason is null ? JsonSerializer.SerializeToElement(new { attempt = 1 }, Json) : JsonSerializer.SerializeToElement(new { reason, attempt = 1 }, Json);
        var time = new DateTimeOffset(2026, 12, 5, 10, 39, 0, TimeSpan.Zero);
        var payload = new OutboundPayload(type, time, new OutboundPayloadData(
            new OutboundTaskView(TaskId, repo, type.Split('.')[1], title, branch, pullRequestUrl, taskUrl),
            new OutboundEventView(7, type, time, TaskId, data)));
        return JsonSerializer.Serialize(payload, Json);
    }

    public static OutboundDelivery Delivery(string payload, string type = EventTypes.TaskFailed) => new(
        Id: "msg_2fakeDeliveryId000000001",
        Number: 1,
        EndpointId: "email-team",
        TaskId: TaskId,
        Sequence: 7,
        EventType: type,
        Payload: payload,
        State: OutboundDeliveryState.Sending,
        Attempts: 0,
        NextAttemptAt: DateTimeOffset.UnixEpoch,
        CreatedAt: DateTimeOffset.UnixEpoch,
        LastAttemptAt: null,
        DeliveredAt: null,
        LastStatusCode: null,
        LastError: null);

    public static OutboundEndpoint Email(params string[] recipients) => Endpoint("email-team", OutboundChannel.Email, null, recipients);

    public static OutboundEndpoint Slack(string url) => Endpoint("slack", OutboundChannel.Slack, url, []);

    private static OutboundEndpoint Endpoint(string id, OutboundChannel channel, string? url, IReadOnlyList<string> recipients) => new(
        id, channel, url, recipients, Description: null, EventTypes: [], Repositories: [], Active: true, DisabledReason: null,
        ManagedBy: OutboundEndpoint.ManagedByConfig, MaxInFlight: 4, MaxPerMinute: 0, Secrets: [],
        CreatedAt: DateTimeOffset.UnixEpoch, UpdatedAt: DateTimeOffset.UnixEpoch);
}
