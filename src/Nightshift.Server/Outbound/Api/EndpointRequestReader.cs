using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Events.Catalogue;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Api;

/// <summary>
/// Reads the JSON bodies of the endpoint routes strictly: every field is named and typed, fields the server owns or does
/// not know are refused by name (no mass assignment), and every value is checked before the store sees it. A refusal
/// is a <see cref="ValidationException"/> naming each field and what to send instead.
/// </summary>
internal static class EndpointRequestReader
{
    public const int MaxRetireAfterDays = 30;

    private static readonly string[] CreateFields = ["channel", "url", "recipients", "events", "repositories", "description", "maxInFlight", "maxPerMinute"];
    private static readonly string[] PatchFields = ["url", "recipients", "events", "repositories", "description", "active", "maxInFlight", "maxPerMinute"];
    private static readonly string[] ServerOwned = ["id", "createdAt", "updatedAt", "active", "disabledReason", "managedBy", "secrets", "secret"];

    /// <exception cref="ValidationException">the body is not a JSON object, or a field is unknown, server-owned, of the wrong type or invalid.</exception>
    public static EndpointRequest ReadCreate(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var fields = Fields(body, CreateFields, patch: false, errors);
        var channel = OutboundChannel.Webhook;
        if (fields.TryGetValue("channel", out var channelValue) && channelValue.ValueKind != JsonValueKind.Null)
        {
            if (channelValue.ValueKind != JsonValueKind.String || !OutboundWire.TryParseChannel(channelValue.GetString(), out channel))
            {
                Add(errors, "channel", $"must be one of: {OutboundWire.ChannelNames} (webhook when left out)");
            }
        }
        var request = new EndpointRequest(
            channel,
            String(fields, "url", errors),
            Strings(fields, "recipients", OutboundEndpoint.MaxRecipients, errors) ?? [],
            Strings(fields, "events", OutboundEndpoint.MaxFilters, errors) ?? [],
            Strings(fields, "repositories", OutboundEndpoint.MaxFilters, errors) ?? [],
            String(fields, "description", errors),
            Int(fields, "maxInFlight", 1, OutboundEndpoint.MaxMaxInFlight, errors) ?? OutboundEndpoint.DefaultMaxInFlight,
            Int(fields, "maxPerMinute", 0, OutboundEndpoint.MaxMaxPerMinute, errors) ?? 0);
        CheckValues(request, errors);
        Throw(errors);
        return request with { Description = NullIfBlank(request.Description), Url = request.Url?.Trim() };
    }

    /// <summary>Checks a request made elsewhere (the dashboard's form) by the same rules as the API's body.</summary>
    /// <exception cref="ValidationException">a value is invalid.</exception>
    public static EndpointRequest Check(EndpointRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Recipients.Count > OutboundEndpoint.MaxRecipients)
        {
            Add(errors, "recipients", $"has {request.Recipients.Count} entries; at most {OutboundEndpoint.MaxRecipients} are accepted");
        }
        foreach (var (name, list) in new[] { ("events", request.Events), ("repositories", request.Repositories) })
        {
            if (list.Count > OutboundEndpoint.MaxFilters)
            {
                Add(errors, name, $"has {list.Count} entries; at most {OutboundEndpoint.MaxFilters} are accepted");
            }
        }
        if (request.MaxInFlight is < 1 or > OutboundEndpoint.MaxMaxInFlight)
        {
            Add(errors, "maxInFlight", $"must be a whole number from 1 to {OutboundEndpoint.MaxMaxInFlight}");
        }
        if (request.MaxPerMinute is < 0 or > OutboundEndpoint.MaxMaxPerMinute)
        {
            Add(errors, "maxPerMinute", $"must be a whole number from 0 (no limit) to {OutboundEndpoint.MaxMaxPerMinute}");
        }
        CheckValues(request, errors);
        Throw(errors);
        return request with { Description = NullIfBlank(request.Description), Url = request.Url?.Trim() };
    }

    /// <exception cref="ValidationException">as for <see cref="ReadCreate"/>; <c>channel</c> cannot be changed.</exception>
    public static OutboundEndpointPatch ReadPatch(JsonElement body, OutboundChannel channel)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var fields = Fields(body, PatchFields, patch: true, errors);
        var url = String(fields, "url", errors);
        var recipients = Strings(fields, "recipients", OutboundEndpoint.MaxRecipients, errors);
        var events = Strings(fields, "events", OutboundEndpoint.MaxFilters, errors);
        var repositories = Strings(fields, "repositories", OutboundEndpoint.MaxFilters, errors);
        var description = String(fields, "description", errors);
        bool? active = null;
        if (fields.TryGetValue("active", out var activeValue))
        {
            if (activeValue.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                active = activeValue.GetBoolean();
            }
            else
            {
                Add(errors, "active", "must be true or false");
            }
        }
        var maxInFlight = Int(fields, "maxInFlight", 1, OutboundEndpoint.MaxMaxInFlight, errors);
        var maxPerMinute = Int(fields, "maxPerMinute", 0, OutboundEndpoint.MaxMaxPerMinute, errors);

        if (url is not null)
        {
            if (channel == OutboundChannel.Email)
            {
                Add(errors, "url", "an email endpoint has recipients, not a URL; change 'recipients' instead");
            }
            else if (UrlProblem(url) is { } problem)
            {
                Add(errors, "url", problem);
            }
        }
        if (recipients is not null)
        {
            if (channel != OutboundChannel.Email)
            {
                Add(errors, "recipients", $"only an email endpoint has recipients; this one is a {OutboundWire.Channel(channel)} endpoint");
            }
            else
            {
                CheckRecipients(recipients, errors);
            }
        }
        if (events is not null)
        {
            CheckEvents(events, errors);
        }
        if (repositories is not null)
        {
            CheckRepositories(repositories, errors);
        }
        if (description is not null)
        {
            CheckDescription(description, errors);
        }
        Throw(errors);
        if (fields.Count == 0)
        {
            throw new ValidationException("body", $"names no field to change; send one or more of: {string.Join(", ", PatchFields)}");
        }
        return new OutboundEndpointPatch(url?.Trim(), recipients, description?.Trim(), events, repositories, active, maxInFlight, maxPerMinute);
    }

    /// <summary>Reads the optional body of a rotation: <c>{"retireOthersAfter":"24:00:00"}</c>.</summary>
    /// <returns>how long the other secrets keep signing; null when they keep signing until removed.</returns>
    public static TimeSpan? ReadRotate(JsonElement? body)
    {
        if (body is null || body.Value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var fields = Fields(body.Value, ["retireOthersAfter"], patch: false, errors, serverOwned: []);
        TimeSpan? after = null;
        if (fields.TryGetValue("retireOthersAfter", out var value) && value.ValueKind != JsonValueKind.Null)
        {
            if (value.ValueKind == JsonValueKind.String
                && TimeSpan.TryParse(value.GetString(), CultureInfo.InvariantCulture, out var parsed)
                && parsed >= TimeSpan.Zero && parsed <= TimeSpan.FromDays(MaxRetireAfterDays))
            {
                after = parsed;
            }
            else
            {
                Add(errors, "retireOthersAfter", $"must be a duration such as \"24:00:00\" (hours:minutes:seconds) or \"7.00:00:00\" (days), from 0 to {MaxRetireAfterDays} days");
            }
        }
        Throw(errors);
        return after;
    }

    /// <returns>what is wrong with an endpoint URL, or null when its shape is fine (the SSRF rule is checked apart).</returns>
    public static string? UrlProblem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "is missing; give the absolute http(s) address the deliveries are POSTed to, such as https://hooks.example.com/nightshift";
        }
        if (url.Length > OutboundEndpoint.MaxUrlLength)
        {
            return $"is {url.Length} characters long; at most {OutboundEndpoint.MaxUrlLength} are accepted";
        }
        var trimmed = url.Trim();
        if (trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return "contains spaces, line breaks or control characters; percent-encode them or fix the address";
        }
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return "is not an absolute http(s) URL; give one such as https://hooks.example.com/nightshift";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "carries a user name or password; deliveries are authenticated by their signature, so remove the credentials from the address";
        }
        if (!string.IsNullOrEmpty(uri.Fragment))
        {
            return "has a fragment (#…), which is never sent to a server; remove it";
        }
        return null;
    }

    private static Dictionary<string, JsonElement> Fields(
        JsonElement body, string[] known, bool patch, Dictionary<string, string[]> errors, string[]? serverOwned = null)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException("body", $"must be a JSON object with the fields: {string.Join(", ", known)}");
        }
        foreach (var property in body.EnumerateObject())
        {
            var name = known.FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
            var shown = Clip(property.Name);
            if (name is null)
            {
                var owned = (serverOwned ?? ServerOwned).FirstOrDefault(k => string.Equals(k, property.Name, StringComparison.OrdinalIgnoreCase));
                if (owned is not null)
                {
                    Add(errors, owned, "is set by the server and cannot be sent; leave it out");
                }
                else if (patch && string.Equals(property.Name, "channel", StringComparison.OrdinalIgnoreCase))
                {
                    Add(errors, "channel", "cannot be changed; remove the endpoint and add a new one on the other channel");
                }
                else
                {
                    Add(errors, shown, $"is not a field of this request; the fields are: {string.Join(", ", known)}");
                }
                continue;
            }
            if (!fields.TryAdd(name, property.Value))
            {
                Add(errors, name, "appears more than once; send each field once");
            }
        }
        return fields;
    }

    private static void CheckValues(EndpointRequest request, Dictionary<string, string[]> errors)
    {
        if (request.Channel == OutboundChannel.Email)
        {
            if (request.Url is not null)
            {
                Add(errors, "url", "an email endpoint has recipients, not a URL; leave 'url' out and give 'recipients'");
            }
            if (request.Recipients.Count == 0)
            {
                Add(errors, "recipients", "is empty; an email endpoint needs at least one address to send to");
            }
            CheckRecipients(request.Recipients, errors);
        }
        else
        {
            if (UrlProblem(request.Url) is { } problem)
            {
                Add(errors, "url", problem);
            }
            if (request.Recipients.Count > 0)
            {
                Add(errors, "recipients", $"only an email endpoint has recipients; leave them out, or send \"channel\": \"email\"");
            }
        }
        CheckEvents(request.Events, errors);
        CheckRepositories(request.Repositories, errors);
        if (request.Description is not null)
        {
            CheckDescription(request.Description, errors);
        }
    }

    private static void CheckRecipients(IReadOnlyList<string> recipients, Dictionary<string, string[]> errors)
    {
        foreach (var recipient in recipients)
        {
            var trimmed = recipient.Trim();
            if (trimmed.Length is 0 or > OutboundEndpoint.MaxRecipientLength
                || trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or ',' or ';' or '"')
                || !MailAddress.TryCreate(trimmed, out var address)
                || !string.Equals(address.Address, trimmed, StringComparison.Ordinal))
            {
                Add(errors, "recipients", $"'{Clip(recipient)}' is not a plain email address such as ops@example.com (at most {OutboundEndpoint.MaxRecipientLength} characters, no display name)");
            }
        }
    }

    private static void CheckEvents(IReadOnlyList<string> events, Dictionary<string, string[]> errors)
    {
        var known = EventCatalogue.AllTypes();
        foreach (var filter in events)
        {
            var trimmed = filter.Trim();
            if (trimmed == "*")
            {
                continue;
            }
            if (trimmed.Length is > 2 and <= OutboundEndpoint.MaxFilterLength && trimmed.EndsWith(".*", StringComparison.Ordinal))
            {
                var prefix = trimmed[..^1];
                if (known.Any(t => t.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    continue;
                }
            }
            else if (known.Contains(trimmed, StringComparer.Ordinal))
            {
                continue;
            }
            Add(errors, "events", $"'{Clip(filter)}' names no event type; give exact types such as task.succeeded, a prefix such as task.*, or * (docs/INTERFACES.md lists every type)");
        }
    }

    private static void CheckRepositories(IReadOnlyList<string> repositories, Dictionary<string, string[]> errors)
    {
        foreach (var repository in repositories)
        {
            if (string.IsNullOrWhiteSpace(repository) || repository.Length > OutboundEndpoint.MaxFilterLength || repository.Any(char.IsControl))
            {
                Add(errors, "repositories", $"'{Clip(repository)}' is not a repository as tasks name it (such as https://github.com/example/app): at most {OutboundEndpoint.MaxFilterLength} characters, no control characters");
            }
        }
    }

    private static void CheckDescription(string description, Dictionary<string, string[]> errors)
    {
        if (description.Length > OutboundEndpoint.MaxDescriptionLength)
        {
            Add(errors, "description", $"is {description.Length} characters long; at most {OutboundEndpoint.MaxDescriptionLength} are accepted");
        }
        else if (description.Any(char.IsControl))
        {
            Add(errors, "description", "contains line breaks or control characters; keep it to one plain line");
        }
    }

    private static string? String(Dictionary<string, JsonElement> fields, string name, Dictionary<string, string[]> errors)
    {
        if (!fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Add(errors, name, "must be a string");
            return null;
        }
        return value.GetString();
    }

    private static IReadOnlyList<string>? Strings(Dictionary<string, JsonElement> fields, string name, int max, Dictionary<string, string[]> errors)
    {
        if (!fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            Add(errors, name, "must be an array of strings");
            return null;
        }
        var count = value.GetArrayLength();
        if (count > max)
        {
            Add(errors, name, $"has {count} entries; at most {max} are accepted");
            return null;
        }
        var list = new List<string>(count);
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                Add(errors, name, "must be an array of strings");
                return null;
            }
            list.Add(item.GetString()!.Trim());
        }
        return list.Distinct(StringComparer.Ordinal).ToList();
    }

    private static int? Int(Dictionary<string, JsonElement> fields, string name, int min, int max, Dictionary<string, string[]> errors)
    {
        if (!fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
        {
            return number;
        }
        Add(errors, name, min == 0
            ? $"must be a whole number from 0 (no limit) to {max}"
            : $"must be a whole number from {min} to {max}");
        return null;
    }

    private static void Add(Dictionary<string, string[]> errors, string field, string message) =>
        errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    private static void Throw(Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Clip(string? value)
    {
        var clean = new string((value ?? "").Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 60 ? clean[..60] + "…" : clean;
    }
}
