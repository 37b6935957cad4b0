using Nightshift.Bench.Fleet.Contracts;
using Nightshift.TestKit.Models;

namespace Nightshift.Bench.Fleet.Workload;

/// <summary>
/// What the fleet's model answers a request it has placed: the spec's plan, a subtask's file, or <c>finish</c>. Every
/// tool call carries the request's stamp (<c>{worker}#{number}</c>) in what it writes.
/// </summary>
internal static class FleetAnswers
{
    /// <summary>The kind of a request and the subtask it builds (null when none), from what it asks and the task's spec.</summary>
    public static (ModelCallKind Kind, string? Subtask) Place(FleetModelRequest request, FleetTaskSpec? spec)
    {
        if (request.Plan)
        {
            return (ModelCallKind.Plan, null);
        }
        if (spec is null || !request.Builds)
        {
            return (ModelCallKind.Other, null);
        }
        var subtask = request.Subtask;
        // A plan of one subtask may be built in one-subtask mode, whose prompt is the whole task without the subtask line.
        if (subtask is null && spec.Subtasks.Count == 1 && !request.FixRound)
        {
            subtask = spec.Subtasks[0].Id;
        }
        if (subtask is null || !spec.Subtasks.Any(s => s.Id == subtask))
        {
            return (ModelCallKind.Other, null);
        }
        return (request.HasToolResult ? ModelCallKind.BuildTurn : ModelCallKind.BuildStart, subtask);
    }

    /// <summary>The answer to a placed request.</summary>
    public static ScriptedAnswer Answer(ModelCallKind kind, FleetTaskSpec? spec, string? subtask, string stamp) => kind switch
    {
        ModelCallKind.Plan when spec is not null => Plan(spec),
        ModelCallKind.BuildStart => ScriptedReply.ToolCall("write_file", new { path = FileName(spec!.Marker, subtask!), content = FileContent(spec.Marker, subtask!, stamp) }),
        ModelCallKind.BuildTurn => ScriptedReply.ToolCall("finish", new
        {
            summary = $"Write {FileName(spec!.Marker, subtask!)}\n\nWrote {FileName(spec.Marker, subtask!)} for subtask '{subtask}' of {spec.Marker} (stamp {stamp}).",
        }),
        _ => ScriptedReply.ToolCall("finish", new
        {
            summary = $"Finish {spec?.Marker ?? "the task"}\n\nNothing more to change (stamp {stamp}).",
        }),
    };

    /// <summary>The file subtask <paramref name="subtask"/> of task <paramref name="marker"/> writes.</summary>
    public static string FileName(string marker, string subtask) => $"{marker}-{subtask}.txt";

    /// <summary>Its content: its own name, then the stamp of the request that wrote it.</summary>
    public static string FileContent(string marker, string subtask, string stamp) => $"{marker}-{subtask}\nstamp {stamp}\n";

    private static ScriptedAnswer Plan(FleetTaskSpec spec) => ScriptedReply.ToolCall("submit_plan", new
    {
        subtasks = spec.Subtasks.Select((s, i) => new
        {
            id = s.Id,
            title = $"Write {FileName(spec.Marker, s.Id)}",
            description = $"Create {FileName(spec.Marker, s.Id)} whose first line is '{spec.Marker}-{s.Id}'.",
            depends_on = s.DependsOn,
            priority = spec.Subtasks.Count - i,
            files = new[] { FileName(spec.Marker, s.Id) },
            acceptance = new[] { $"{FileName(spec.Marker, s.Id)} starts with the line '{spec.Marker}-{s.Id}'" },
        }),
    });
}
