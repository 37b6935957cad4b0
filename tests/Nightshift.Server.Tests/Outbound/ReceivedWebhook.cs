using Microsoft.AspNetCore.Http;

namespace Nightshift.Server.Tests.Outbound;

/// <summary>One request a <see cref="WebhookReceiver"/> got.</summary>
internal sealed record ReceivedWebhook(string Method, string Path, IHeaderDictionary Headers, string Body, DateTimeOffset At)
{
    public string Id => Headers["webhook-id"].ToString();
}
