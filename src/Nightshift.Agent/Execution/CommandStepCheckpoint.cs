using System.Text.Json;
using Nightshift.Core.Serialization;

namespace Nightshift.Agent.Execution;

/// <summary>
/// A command step's checkpoint, written once its command has run (and its change is committed): a resumed attempt
/// does not run the command again, it pushes the recorded commit (or finds it on the run's branch already) and reports
/// the recorded result. Only a commit that is lost — made in a worktree of another worker and never pushed — makes the
/// command run again, since a step's effect is its pushed change and its output, nothing else.
/// </summary>
internal sealed record CommandStepCheckpoint
{
    public const string Kind = "command_step";

    /// <summary>Tells this checkpoint from an agent task's (a task's kind never changes, but a damaged one might).</summary>
    public string Checkpoint { get; init; } = Kind;

    public int ExitCode { get; init; }

    /// <summary>The output object as JSON text, or null.</summary>
    public string? Output { get; init; }

    /// <summary>The commit of the command's change; null when it changed nothing or failed.</summary>
    public string? Commit { get; init; }

    /// <summary>Why the step failed (the command's exit, a timeout, a sandbox limit); null when it succeeded.</summary>
    public string? Failure { get; init; }

    /// <summary>The commit the run's branch was pushed to, once pushed.</summary>
    public string? Pushed { get; init; }

    public JsonElement? OutputElement()
    {
        if (Output is null)
        {
            return null;
        }
        using var document = JsonDocument.Parse(Output);
        return document.RootElement.Clone();
    }

    /// <returns>the checkpoint, or null when <paramref name="json"/> is none (the command has not run).</returns>
    public static CommandStepCheckpoint? Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            var checkpoint = JsonSerializer.Deserialize<CommandStepCheckpoint>(json, NightshiftJson.Options);
            return checkpoint is { Checkpoint: Kind } ? checkpoint : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, NightshiftJson.Options);
}
