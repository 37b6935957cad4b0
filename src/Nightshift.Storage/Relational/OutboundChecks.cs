using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;
using Nightshift.Storage.Outbound;

namespace Nightshift.Storage.Relational;

/// <summary>The outbound store's checks on what it is given, and the small text rules its rows follow.</summary>
internal static partial class OutboundChecks
{
    public const string SecretPrefix = "whsec_";

    /// <summary>Marks a secret the server encrypted before storing it.</summary>
    public const string ProtectedPrefix = "dp1:";

    private static readonly System.Buffers.SearchValues<char> Base64UrlCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    public const int MinSecretBytes = 24;
    public const int MaxSecretBytes = 64;
    public const int MaxOwnerLength = 200;
    public const int MaxEventTypeLength = 200;
    public const int MaxListLimit = 1_000;

    /// <summary>A fresh public id: the prefix and 24 lowercase hex digits (96 random bits).</summary>
    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    public static string ChannelName(OutboundChannel channel) => channel switch
    {
        OutboundChannel.Webhook => "webhook",
        OutboundChannel.Slack => "slack",
        OutboundChannel.Email => "email",
        _ => throw new ValidationException("channel", "must be webhook, slack or email"),
    };

    public static OutboundChannel ParseChannel(string name) => name switch
    {
        "webhook" => OutboundChannel.Webhook,
        "slack" => OutboundChannel.Slack,
        "email" => OutboundChannel.Email,
        _ => throw new InvalidOperationException($"outbound_endpoints holds an unknown channel '{name}'"),
    };

    public static string StateName(OutboundDeliveryState state) => state switch
    {
        OutboundDeliveryState.Pending => "pending",
        OutboundDeliveryState.Sending => "sending",
        OutboundDeliveryState.Delivered => "delivered",
        OutboundDeliveryState.Dead => "dead",
        _ => throw new ValidationException("state", "must be pending, sending, delivered or dead"),
    };

    public static OutboundDeliveryState ParseState(string name) => name switch
    {
        "pending" => OutboundDeliveryState.Pending,
        "sending" => OutboundDeliveryState.Sending,
        "delivered" => OutboundDeliveryState.Delivered,
        "dead" => OutboundDeliveryState.Dead,
        _ => throw new InvalidOperationException($"outbound_deliveries holds an unknown state '{name}'"),
    };

    public static string OutcomeName(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Delivered => "delivered",
        AttemptOutcome.Retry => "retry",
        AttemptOutcome.Dead => "dead",
        AttemptOutcome.Gone => "gone",
        _ => throw new ValidationException("outcome", "must be delivered, retry, dead or gone"),
    };

    public static AttemptOutcome ParseOutcome(string name) => name switch
    {
        "delivered" => AttemptOutcome.Delivered,
        "retry" => AttemptOutcome.Retry,
        "dead" => AttemptOutcome.Dead,
        "gone" => AttemptOutcome.Gone,
        _ => throw new InvalidOperationException($"outbound_attempts holds an unknown outcome '{name}'"),
    };

    /// <summary>The endpoint as it will be stored: every field checked, lists without repeats in the order given.</summary>
    public static NewOutboundEndpoint Endpoint(NewOutboundEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ChannelName(endpoint.Channel);
        TeamChecks.OrgId("orgId", endpoint.OrgId);
        if (endpoint.ManagedBy is not (OutboundEndpoint.ManagedByApi or OutboundEndpoint.ManagedByConfig))
        {
            throw new ValidationException("managedBy", $"must be '{OutboundEndpoint.ManagedByApi}' or '{OutboundEndpoint.ManagedByConfig}'");
        }
        if (endpoint.Id is not null || endpoint.ManagedBy == OutboundEndpoint.ManagedByConfig)
        {
            ConfiguredId(endpoint.Id);
        }
        Url(endpoint.Channel, endpoint.Url);
        var recipients = Recipients(endpoint.Channel, endpoint.Recipients);
        Description(endpoint.Description);
        var types = EventTypes(endpoint.EventTypes);
        var repositories = Repositories(endpoint.Repositories);
        if (endpoint.Channel == OutboundChannel.Webhook)
        {
            Secret(endpoint.Secret);
        }
        else if (endpoint.Secret is not null)
        {
            throw new ValidationException("secret", $"is for webhook endpoints only; leave it out for a {ChannelName(endpoint.Channel)} endpoint");
        }
        MaxInFlight(endpoint.MaxInFlight);
        MaxPerMinute(endpoint.MaxPerMinute);
        return endpoint with { Recipients = recipients, EventTypes = types, Repositories = repositories };
    }

    public static void ConfiguredId(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw new ValidationException("id", "is missing; an endpoint declared in the configuration needs a stable id such as 'team-chat'");
        }
        if (!ConfiguredIdPattern().IsMatch(id))
        {
            throw new ValidationException("id", $"must be 1 to {OutboundEndpoint.MaxIdLength} lowercase letters, digits or '-' (such as 'team-chat')");
        }
    }

    public static void Url(OutboundChannel channel, string? url)
    {
        if (channel == OutboundChannel.Email)
        {
            if (url is not null)
            {
                throw new ValidationException("url", "is for webhook and slack endpoints; an email endpoint has recipients instead");
            }
            return;
        }
        if (string.IsNullOrEmpty(url))
        {
            throw new ValidationException("url", $"is missing; a {ChannelName(channel)} endpoint needs the https:// address to POST to");
        }
        if (url.Length > OutboundEndpoint.MaxUrlLength)
        {
            throw new ValidationException("url", $"is {url.Length} characters; at most {OutboundEndpoint.MaxUrlLength} are accepted");
        }
        if (url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new ValidationException("url", "contains spaces or control characters (such as a line break); give the address on its own");
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            throw new ValidationException("url", "must be an absolute http:// or https:// address such as https://example.com/hooks/nightshift");
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ValidationException("url", "must not carry a user name or password; a webhook is authenticated by its signature");
        }
    }

    public static IReadOnlyList<string> Recipients(OutboundChannel channel, IReadOnlyList<string>? recipients)
    {
        recipients ??= [];
        if (channel != OutboundChannel.Email)
        {
            if (recipients.Count > 0)
            {
                throw new ValidationException("recipients", $"are for email endpoints only; a {ChannelName(channel)} endpoint has a url instead");
            }
            return [];
        }
        if (recipients.Count == 0)
        {
            throw new ValidationException("recipients", "are missing; an email endpoint needs at least one address such as ops@example.com");
        }
        if (recipients.Count > OutboundEndpoint.MaxRecipients)
        {
            throw new ValidationException("recipients", $"are {recipients.Count}; at most {OutboundEndpoint.MaxRecipients} are accepted per endpoint");
        }
        foreach (var recipient in recipients)
        {
            if (!LooksLikeAddress(recipient))
            {
                throw new ValidationException(
                    "recipients",
                    $"'{Printable(recipient)}' is not an email address: give one address per entry, like ops@example.com, at most {OutboundEndpoint.MaxRecipientLength} characters, without names, spaces or commas");
            }
        }
        return Distinct(recipients);
    }

    public static void Description(string? description)
    {
        if (description is null)
        {
            return;
        }
        if (description.Length > OutboundEndpoint.MaxDescriptionLength)
        {
            throw new ValidationException("description", $"is {description.Length} characters; at most {OutboundEndpoint.MaxDescriptionLength} are accepted");
        }
        if (description.Any(char.IsControl))
        {
            throw new ValidationException("description", "must be one line of text without control characters");
        }
    }

    public static IReadOnlyList<string> EventTypes(IReadOnlyList<string>? types)
    {
        types ??= [];
        Count("eventTypes", types);
        foreach (var type in types)
        {
            if (type is null || type.Length > OutboundEndpoint.MaxFilterLength || !EventTypePattern().IsMatch(type))
            {
                throw new ValidationException(
                    "eventTypes",
                    $"'{Printable(type)}' is not an event type filter: give an exact type (task.succeeded), a prefix with .* (task.*) or * for every event");
            }
        }
        return Distinct(types);
    }

    public static IReadOnlyList<string> Repositories(IReadOnlyList<string>? repositories)
    {
        repositories ??= [];
        Count("repositories", repositories);
        foreach (var repository in repositories)
        {
            if (string.IsNullOrWhiteSpace(repository) || repository.Length > OutboundEndpoint.MaxFilterLength || repository.Any(char.IsControl))
            {
                throw new ValidationException(
                    "repositories",
                    $"'{Printable(repository)}' is not a repository filter: give the repository as tasks name it (such as https://github.com/acme/app), at most {OutboundEndpoint.MaxFilterLength} printable characters");
            }
        }
        return Distinct(repositories);
    }

    public static void Secret(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            throw new ValidationException("secret", $"is missing; a webhook endpoint signs with a secret: '{SecretPrefix}' and the base64 of {MinSecretBytes} to {MaxSecretBytes} random bytes");
        }
        if (secret.StartsWith(ProtectedPrefix, StringComparison.Ordinal))
        {
            // Encrypted by the server (Data Protection) before it reached the store: only its shape can be checked here.
            if (secret.Length > OutboundSecret.MaxValueLength || secret.Length <= ProtectedPrefix.Length
                || secret.AsSpan(ProtectedPrefix.Length).ContainsAnyExcept(Base64UrlCharacters))
            {
                throw new ValidationException("secret", $"an encrypted secret must be '{ProtectedPrefix}' and base64url text, at most {OutboundSecret.MaxValueLength} characters");
            }
            return;
        }
        if (secret.Length > OutboundSecret.MaxValueLength || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            throw new ValidationException("secret", $"must be '{SecretPrefix}' and the base64 of {MinSecretBytes} to {MaxSecretBytes} random bytes");
        }
        var body = secret[SecretPrefix.Length..];
        var buffer = new byte[body.Length];
        if (!Convert.TryFromBase64String(body, buffer, out var bytes) || bytes < MinSecretBytes || bytes > MaxSecretBytes)
        {
            throw new ValidationException("secret", $"must be '{SecretPrefix}' and the base64 of {MinSecretBytes} to {MaxSecretBytes} random bytes");
        }
    }

    public static void MaxInFlight(int value)
    {
        if (value < 1 || value > OutboundEndpoint.MaxMaxInFlight)
        {
            throw new ValidationException("maxInFlight", $"is {value}; give 1 to {OutboundEndpoint.MaxMaxInFlight} deliveries sent at once");
        }
    }

    public static void MaxPerMinute(int value)
    {
        if (value < 0 || value > OutboundEndpoint.MaxMaxPerMinute)
        {
            throw new ValidationException("maxPerMinute", $"is {value}; give 0 (no limit) to {OutboundEndpoint.MaxMaxPerMinute} deliveries per minute");
        }
    }

    public static void Owner(string? owner)
    {
        if (string.IsNullOrWhiteSpace(owner))
        {
            throw new ValidationException("owner", "is missing; give the claiming server's id");
        }
        if (owner.Length > MaxOwnerLength || owner.Any(char.IsControl))
        {
            throw new ValidationException("owner", $"must be at most {MaxOwnerLength} printable characters");
        }
    }

    public static long Lease(TimeSpan lease)
    {
        if (lease <= TimeSpan.Zero || lease > TimeSpan.FromHours(1))
        {
            throw new ValidationException("lease", "must be longer than zero and at most an hour");
        }
        return (long)lease.TotalMilliseconds;
    }

    public static void TaskIdOf(string field, string? taskId)
    {
        if (!TaskId.LooksValid(taskId))
        {
            throw new ValidationException(field, "is not a task id");
        }
    }

    public static void Delivery(NewOutboundDelivery delivery)
    {
        if (delivery is null)
        {
            throw new ValidationException("deliveries", "contains a null entry");
        }
        if (string.IsNullOrEmpty(delivery.EndpointId) || delivery.EndpointId.Length > OutboundEndpoint.MaxIdLength + 3 || delivery.EndpointId.Any(char.IsControl))
        {
            throw new ValidationException("endpointId", "is not an endpoint id");
        }
        TaskIdOf("taskId", delivery.TaskId);
        if (delivery.Sequence < 0)
        {
            throw new ValidationException("sequence", "must not be negative");
        }
        if (string.IsNullOrWhiteSpace(delivery.EventType) || delivery.EventType.Length > MaxEventTypeLength || delivery.EventType.Any(char.IsControl))
        {
            throw new ValidationException("eventType", $"must be the event's type, at most {MaxEventTypeLength} printable characters");
        }
        if (string.IsNullOrEmpty(delivery.Payload) || delivery.Payload.Length > OutboundDelivery.MaxPayloadLength || delivery.Payload.Contains('\0', StringComparison.Ordinal))
        {
            throw new ValidationException("payload", $"must be the JSON body, 1 to {OutboundDelivery.MaxPayloadLength} characters");
        }
    }

    /// <summary>
    /// Cuts text to at most <paramref name="max"/> characters without splitting a surrogate pair, with NULs (which
    /// PostgreSQL's text cannot hold) made visible; <paramref name="marker"/> ends text that was cut.
    /// </summary>
    public static string? Clip(string? text, int max, string marker = "")
    {
        if (text is null)
        {
            return null;
        }
        var clean = text.Replace('\0', '\uFFFD');
        if (clean.Length <= max)
        {
            return clean;
        }
        var keep = max - marker.Length;
        if (keep > 0 && char.IsHighSurrogate(clean[keep - 1]))
        {
            keep--;
        }
        return clean[..keep] + marker;
    }

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool LooksLikeAddress(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > OutboundEndpoint.MaxRecipientLength)
        {
            return false;
        }
        if (address.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or ',' or ';' or '"'))
        {
            return false;
        }
        var at = address.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < address.Length - 1 && address.IndexOf('@', at + 1) < 0;
    }

    private static void Count(string field, IReadOnlyList<string> values)
    {
        if (values.Count > OutboundEndpoint.MaxFilters)
        {
            throw new ValidationException(field, $"are {values.Count}; at most {OutboundEndpoint.MaxFilters} are accepted (leave the list empty for all)");
        }
    }

    private static string[] Distinct(IReadOnlyList<string> values) => values.Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>A value quoted back in a message: short, one line.</summary>
    private static string Printable(string? value)
    {
        if (value is null)
        {
            return "(null)";
        }
        var shown = new string(value.Take(60).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return value.Length > 60 ? shown + "…" : shown;
    }

    [GeneratedRegex(@"^[a-z0-9-]{1,64}\z")]
    private static partial Regex ConfiguredIdPattern();

    [GeneratedRegex(@"^(\*|[a-z_]+(\.[a-z_]+)*(\.\*)?)\z")]
    private static partial Regex EventTypePattern();
}
