using System.Globalization;
using System.Text;
using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Forges;

namespace Nightshift.Server.Webhooks;

/// <summary>
/// The first trigger: an <c>issues</c> delivery whose action is <c>labeled</c> with the configured label, on a repository
/// whose host has a GitHub entry under <c>Forges</c>, becomes a task. The issue's text is data: it is copied (clipped)
/// into the instruction and never read for commands. Everything else is ignored with a reason.
/// </summary>
internal static class GitHubIssueTrigger
{
    public const string Source = "github";

    private const int MaxUrlLength = 500;

    /// <exception cref="ValidationException">a labelled-issue delivery lacks a field the task needs, or holds an unusable one.</exception>
    public static TriggerDecision Decide(JsonElement payload, string eventName, string deliveryId, GitHubWebhookOptions options, IForgeResolver forges)
    {
        if (!string.Equals(eventName, "issues", StringComparison.Ordinal))
        {
            return TriggerDecision.Ignore($"the '{eventName}' event starts nothing; only issues labelled '{options.Label}' do");
        }
        var action = Text(payload, "action");
        if (!string.Equals(action, "labeled", StringComparison.Ordinal))
        {
            return TriggerDecision.Ignore($"the issue action '{Clip(action ?? "", 40)}' starts nothing; only adding the label '{options.Label}' does");
        }
        var label = payload.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.Object ? Text(l, "name") : null;
        // GitHub treats label names case-insensitively.
        if (!string.Equals(label, options.Label, StringComparison.OrdinalIgnoreCase))
        {
            return TriggerDecision.Ignore($"the label added is not '{options.Label}'");
        }
        if (payload.TryGetProperty("sender", out var sender) && sender.ValueKind == JsonValueKind.Object
            && string.Equals(Text(sender, "type"), "Bot", StringComparison.Ordinal))
        {
            return TriggerDecision.Ignore("the label was added by a bot; only people start tasks");
        }

        var repository = Object(payload, "repository");
        var cloneUrl = Required(repository, "repository.clone_url", "clone_url");
        var parsed = ForgeRepository.TryParse(cloneUrl)
            ?? throw new ValidationException("repository.clone_url", "is not a repository address with a host, an owner and a name");
        var endpoint = forges.Endpoints.FirstOrDefault(e => e.Kind == ForgeKind.GitHub && string.Equals(e.Host, parsed.Host, StringComparison.OrdinalIgnoreCase));
        if (endpoint is null)
        {
            return TriggerDecision.Ignore($"no GitHub forge is configured for the host '{Clip(parsed.Host, 100)}'; add a Forges:<name> entry with Host {Clip(parsed.Host, 100)} (see docs/configuration.md)");
        }

        var issue = Object(payload, "issue");
        var number = issue.TryGetProperty("number", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt64(out var value) && value > 0
            ? value
            : throw new ValidationException("issue.number", "is missing or not a positive whole number");
        var url = Required(issue, "issue.html_url", "html_url");
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var link) || link.Scheme is not ("https" or "http"))
        {
            throw new ValidationException("issue.html_url", $"is not an http(s) address of at most {MaxUrlLength} characters");
        }
        var title = OneLine(Required(issue, "issue.title", "title"));
        var body = Text(issue, "body") ?? "";

        var instruction = Clip(
            $"GitHub issue #{number.ToString(CultureInfo.InvariantCulture)} ({url}):\n\n{title}\n\n{body}".Replace('\0', '\uFFFD'),
            options.MaxInstructionChars,
            "\n\n[the issue's text was cut here; read the rest on the issue]");
        return TriggerDecision.Queue(new NewTask
        {
            Repo = cloneUrl,
            Instruction = instruction,
            Title = TaskTitle(title, url),
            IdempotencyKey = $"{Source}:{deliveryId}",
            Source = Source,
        });
    }

    /// <summary>The issue's title with its address, so the task list links back to the issue.</summary>
    private static string TaskTitle(string title, string url)
    {
        var room = NewTask.MaxTitleLength - url.Length - 3;
        return room < 20 ? Clip(title, NewTask.MaxTitleLength) : $"{Clip(title, room)} ({url})";
    }

    private static JsonElement Object(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object
            ? child
            : throw new ValidationException(name, "is missing or not an object; send the delivery as GitHub writes it");

    private static string Required(JsonElement parent, string field, string name) =>
        Text(parent, name) is { } text && !string.IsNullOrWhiteSpace(text)
            ? text
            : throw new ValidationException(field, "is missing or not text; send the delivery as GitHub writes it");

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string OneLine(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }
        return builder.ToString().Trim();
    }

    private static string Clip(string text, int max, string marker = "…")
    {
        if (text.Length <= max)
        {
            return text;
        }
        var cut = Math.Max(0, max - marker.Length);
        // Never leave half of a surrogate pair at the cut.
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }
        return text[..cut] + marker;
    }
}
