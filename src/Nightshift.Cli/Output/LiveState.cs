using System.Globalization;
using System.Text.Json;
using Nightshift.Cli.Api;
using Nightshift.Core.Tasks;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Output;

/// <summary>What the live view shows, folded from the events as they arrive.</summary>
internal sealed class LiveState(TaskRecord task, TimeZoneInfo zone)
{
    public const int RecentEvents = 8;

    private readonly Queue<string> recent = new();

    public TaskRecord Task { get; private set; } = task;

    public string Status { get; private set; } = task.Status.ToWire();

    public string Phase { get; private set; } = task.Phase.ToWire();

    public DateTimeOffset? StartedAt { get; private set; } = task.StartedAt;

    /// <summary>Set once the final event arrived: the elapsed time stops there.</summary>
    public DateTimeOffset? FinishedAt { get; private set; } = task.FinishedAt;

    public long InputTokens { get; private set; } = task.Usage.InputTokens;

    public long OutputTokens { get; private set; } = task.Usage.OutputTokens;

    public decimal CostUsd { get; private set; } = task.Usage.CostUsd;

    public bool CostIncomplete { get; private set; } = !task.Usage.CostComplete;

    public IReadOnlyCollection<string> Recent => recent;

    public void Apply(ApiEvent e)
    {
        var data = e.Data;
        switch (e.Type)
        {
            case "task.started":
                Status = "running";
                StartedAt ??= e.Time;
                break;
            case "task.phase" when Text(data, "phase") is { } phase:
                Phase = SafeText.Clean(phase, 32);
                break;
            case "task.retrying" or "task.released":
                Status = "queued";
                FinishedAt = null;
                break;
            case "plan.awaiting_approval":
                Status = "awaiting_approval";
                break;
            case "task.question":
                Status = "awaiting_input";
                break;
            case "task.answered":
                Status = "queued";
                break;
            case "model.response":
                InputTokens += Number(data, "inputTokens");
                OutputTokens += Number(data, "outputTokens");
                if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("costUsd", out var cost) && cost.ValueKind == JsonValueKind.Number)
                {
                    CostUsd += cost.GetDecimal();
                }
                else
                {
                    CostIncomplete = true;
                }
                break;
            default:
                if (e.IsFinal)
                {
                    Status = e.Type["task.".Length..];
                    FinishedAt ??= e.Time;
                }
                break;
        }
        recent.Enqueue(EventFormatter.Line(e, zone));
        while (recent.Count > RecentEvents)
        {
            recent.Dequeue();
        }
    }

    /// <summary>The server's final word replaces what the events suggested.</summary>
    public void Complete(TaskRecord final)
    {
        Task = final;
        Status = final.Status.ToWire();
        Phase = final.Phase.ToWire();
        InputTokens = final.Usage.InputTokens;
        OutputTokens = final.Usage.OutputTokens;
        CostUsd = final.Usage.CostUsd;
        CostIncomplete = !final.Usage.CostComplete;
    }

    public string Cost => (CostIncomplete && CostUsd > 0 ? "≥ $" : "$") + CostUsd.ToString("0.00##", CultureInfo.InvariantCulture);

    private static string? Text(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Number(JsonElement data, string name) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}
