using System.Text.Json;
using Nightshift.Core.Events;

namespace Nightshift.Server.Dashboard;

/// <summary>
/// The task page's Verification box, read from the <c>verify.*</c> events: the baseline once, then each round on the
/// change. Payloads are read defensively (an event written by an older version, or a hand-made one, must not break the
/// page); lists are cut to <see cref="MaxTests"/> entries and names to <see cref="MaxName"/> characters.
/// </summary>
internal sealed record VerificationReport(VerificationBaseline? Baseline, IReadOnlyList<VerificationRound> Rounds)
{
    public const int MaxTests = 50;
    public const int MaxName = 300;

    public bool IsEmpty => Baseline is null && Rounds.Count == 0;

    /// <param name="finished">the task has ended, so a round without a verdict did not finish rather than still runs.</param>
    public static VerificationReport Build(IEnumerable<TaskEvent> events, bool finished)
    {
        VerificationBaseline? baseline = null;
        var baselineRuns = 0;
        (DateTimeOffset Time, IReadOnlyList<string> Commands)? baselineStart = null;
        var rounds = new List<VerificationRound>();
        (DateTimeOffset Time, VerificationRound Round)? open = null;

        foreach (var e in events)
        {
            if (!e.Type.StartsWith("verify.", StringComparison.Ordinal))
            {
                continue;
            }
            var data = Parse(e.Data);
            switch (e.Type)
            {
                case EventTypes.VerifyStarted when Bool(data, "baseline"):
                    baselineStart = (e.Time, Strings(data, "commands"));
                    break;
                case EventTypes.VerifyStarted:
                    if (open is { } interrupted)
                    {
                        rounds.Add(interrupted.Round with { Outcome = "did not finish" });
                    }
                    open = (e.Time, new VerificationRound(Int(data, "round") ?? rounds.Count + 1, Strings(data, "commands"), finished ? "did not finish" : "running"));
                    break;
                case EventTypes.VerifyBaseline:
                    baselineRuns++;
                    baseline = new VerificationBaseline(baselineStart?.Commands ?? [], Bool(data, "passed"), Strings(data, "failingTests"), baselineRuns)
                    {
                        Duration = baselineStart is { } started && e.Time >= started.Time ? e.Time - started.Time : null,
                    };
                    baselineStart = null;
                    break;
                case EventTypes.VerifyPassed or EventTypes.VerifyFailed:
                    var skipped = Bool(data, "skipped");
                    var verdict = new VerificationRound(
                        Int(data, "round") ?? open?.Round.Round ?? 0,
                        open?.Round.Commands ?? [],
                        skipped ? "skipped" : e.Type == EventTypes.VerifyPassed ? "passed" : "failed")
                    {
                        Summary = Cut(Text(data, "summary")),
                        Duration = open is { } o && e.Time >= o.Time ? e.Time - o.Time : null,
                        NewFailures = Strings(data, "newFailures"),
                        PreExistingFailures = Strings(data, "preExistingFailures"),
                        OutOfScope = OutOfScope(data),
                    };
                    rounds.Add(verdict);
                    open = null;
                    break;
            }
        }
        if (open is { } last)
        {
            rounds.Add(last.Round);
        }
        return new VerificationReport(baseline, rounds);
    }

    private static JsonElement Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : default;
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static bool Bool(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static int? Int(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 0
            ? n
            : null;

    private static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
            ? s
            : null;

    private static IReadOnlyList<string> Strings(JsonElement data, string name)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        return [.. value.EnumerateArray()
            .Where(v => v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()))
            .Take(MaxTests)
            .Select(v => Cut(v.GetString())!)];
    }

    private static IReadOnlyList<KeyValuePair<string, string>> OutOfScope(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object || !data.TryGetProperty("outOfScope", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        return [.. value.EnumerateArray()
            .Where(v => v.ValueKind == JsonValueKind.Object && Text(v, "test") is not null)
            .Take(MaxTests)
            .Select(v => new KeyValuePair<string, string>(Cut(Text(v, "test"))!, Cut(Text(v, "reason")) ?? "no reason given"))];
    }

    private static string? Cut(string? text) => text is null || text.Length <= MaxName ? text : text[..(MaxName - 1)] + "…";
}
