using System.Text.Json;
using Nightshift.Core.Tasks;

namespace Nightshift.Server.Streaming;

/// <summary>
/// Reads a client message: <c>{"op":"subscribe","tasks":{"ID":afterSeq}}</c>, <c>{"op":"subscribe","repository":"R"}</c>,
/// <c>{"op":"subscribe","all":true}</c>, the same with <c>"op":"unsubscribe"</c> (tasks may then be an array of ids),
/// and <c>{"op":"ping"}</c>; any of them may carry an <c>"id"</c> to be echoed. Nothing is half-accepted: one bad part
/// refuses the whole message with a sentence saying what to send instead.
/// </summary>
internal static class StreamCommandParser
{
    public const int MaxRequestIdLength = 100;
    private const int MaxDepth = 4;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth, AllowTrailingCommas = false };

    /// <param name="maxTasks">the most task ids one message may name (the connection's subscription cap).</param>
    public static bool TryParse(ReadOnlyMemory<byte> message, int maxTasks, out StreamCommand command, out string error, out string? requestId)
    {
        command = null!;
        requestId = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message, DocumentOptions);
        }
        catch (JsonException exception)
        {
            error = $"the message is not JSON ({FirstSentence(exception.Message)}); send one object such as {{\"op\":\"subscribe\",\"all\":true}}";
            return false;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = $"the message is a JSON {Kind(root.ValueKind)}; send one object such as {{\"op\":\"ping\"}}";
                return false;
            }
            if (!TryReadRequestId(root, out requestId, out error))
            {
                return false;
            }
            if (!root.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String)
            {
                error = "the message has no \"op\"; give \"op\" as \"subscribe\", \"unsubscribe\" or \"ping\"";
                return false;
            }
            var opText = opElement.GetString();
            StreamOp op;
            switch (opText)
            {
                case "subscribe":
                    op = StreamOp.Subscribe;
                    break;
                case "unsubscribe":
                    op = StreamOp.Unsubscribe;
                    break;
                case "ping":
                    op = StreamOp.Ping;
                    break;
                default:
                    error = $"unknown op '{Shorten(opText)}'; use \"subscribe\", \"unsubscribe\" or \"ping\"";
                    return false;
            }

            var allowed = op == StreamOp.Ping ? new[] { "op", "id" } : ["op", "id", "tasks", "repository", "all"];
            foreach (var property in root.EnumerateObject())
            {
                if (Array.IndexOf(allowed, property.Name) < 0)
                {
                    error = $"unknown field '{Shorten(property.Name)}' in a {opText} message; the fields are {string.Join(", ", allowed.Select(a => '"' + a + '"'))}";
                    return false;
                }
            }
            if (op == StreamOp.Ping)
            {
                command = new StreamCommand(op, [], null, false, requestId);
                return true;
            }
            return TryParseScope(root, op, maxTasks, requestId, out command, out error);
        }
    }

    private static bool TryParseScope(JsonElement root, StreamOp op, int maxTasks, string? requestId, out StreamCommand command, out string error)
    {
        command = null!;
        var verb = op == StreamOp.Subscribe ? "subscribe" : "unsubscribe";
        var hasTasks = root.TryGetProperty("tasks", out var tasksElement);
        var hasRepository = root.TryGetProperty("repository", out var repositoryElement);
        var hasAll = root.TryGetProperty("all", out var allElement);
        if ((hasTasks ? 1 : 0) + (hasRepository ? 1 : 0) + (hasAll ? 1 : 0) != 1)
        {
            error = $"a {verb} message names exactly one of \"tasks\", \"repository\" or \"all\"; send one message for each";
            return false;
        }

        if (hasAll)
        {
            if (allElement.ValueKind != JsonValueKind.True)
            {
                error = $"\"all\" must be true; to stop everything send {{\"op\":\"unsubscribe\",\"all\":true}}";
                return false;
            }
            command = new StreamCommand(op, [], null, true, requestId);
            error = "";
            return true;
        }

        if (hasRepository)
        {
            var repository = repositoryElement.ValueKind == JsonValueKind.String ? repositoryElement.GetString()!.Trim() : null;
            if (string.IsNullOrEmpty(repository) || repository.Length > NewTask.MaxRepoLength || repository.Any(char.IsControl))
            {
                error = $"\"repository\" must be a repository's address as tasks name it (text of 1 to {NewTask.MaxRepoLength} characters without control characters)";
                return false;
            }
            command = new StreamCommand(op, [], repository, false, requestId);
            error = "";
            return true;
        }

        return TryParseTasks(tasksElement, op, maxTasks, requestId, out command, out error);
    }

    private static bool TryParseTasks(JsonElement tasks, StreamOp op, int maxTasks, string? requestId, out StreamCommand command, out string error)
    {
        command = null!;
        var entries = new List<KeyValuePair<string, long>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (tasks.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in tasks.EnumerateObject())
            {
                if (entries.Count >= maxTasks)
                {
                    error = TooMany(maxTasks);
                    return false;
                }
                if (!TaskId.LooksValid(property.Name))
                {
                    error = BadId(property.Name);
                    return false;
                }
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var after) || after < 0)
                {
                    error = $"the sequence number for task {property.Name} must be a whole number from 0 (0 replays its whole log; give the last seq you received to resume)";
                    return false;
                }
                if (!seen.Add(property.Name))
                {
                    error = $"task {property.Name} is named twice; name each task once";
                    return false;
                }
                entries.Add(new(property.Name, after));
            }
        }
        else if (tasks.ValueKind == JsonValueKind.Array && op == StreamOp.Unsubscribe)
        {
            foreach (var item in tasks.EnumerateArray())
            {
                if (entries.Count >= maxTasks)
                {
                    error = TooMany(maxTasks);
                    return false;
                }
                var id = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                if (!TaskId.LooksValid(id))
                {
                    error = BadId(id ?? item.GetRawText());
                    return false;
                }
                if (seen.Add(id!))
                {
                    entries.Add(new(id!, 0));
                }
            }
        }
        else
        {
            error = op == StreamOp.Subscribe
                ? "\"tasks\" must be an object of task ids and the sequence number to resume after, such as {\"tasks\":{\"ID\":0}}"
                : "\"tasks\" must be an array of task ids (or an object keyed by them)";
            return false;
        }
        if (entries.Count == 0)
        {
            error = "\"tasks\" names no task; give at least one id";
            return false;
        }
        command = new StreamCommand(op, entries, null, false, requestId);
        error = "";
        return true;
    }

    private static bool TryReadRequestId(JsonElement root, out string? requestId, out string error)
    {
        requestId = null;
        error = "";
        if (!root.TryGetProperty("id", out var element))
        {
            return true;
        }
        var text = element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetRawText(),
            _ => null,
        };
        if (text is null || text.Length > MaxRequestIdLength || text.Any(char.IsControl))
        {
            error = $"\"id\" must be text or a number of at most {MaxRequestIdLength} characters; it is only echoed back";
            return false;
        }
        requestId = text;
        return true;
    }

    private static string TooMany(int maxTasks) =>
        $"more than {maxTasks} tasks in one message; a connection holds at most {maxTasks} subscriptions (Stream:MaxSubscriptions): subscribe to a repository or to all instead";

    private static string BadId(string id) => $"'{Shorten(id)}' is not a task id (26 characters as the API gives them)";

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return Shorten(end < 0 ? message : message[..end], 120);
    }

    private static string Shorten(string? value, int max = 40)
    {
        value ??= "";
        var clean = new string([.. value.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length <= max ? clean : clean[..max] + "…";
    }
}
