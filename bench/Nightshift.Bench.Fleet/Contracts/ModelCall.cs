namespace Nightshift.Bench.Fleet.Contracts;

/// <summary>
/// One request the scripted model server received, as its log keeps it. <paramref name="Worker"/> is the label in the
/// request's path prefix (each worker process gets its own base URL, <c>/{label}/v1/</c>); <paramref name="Marker"/> the
/// task it is for (null when it could not tell); <paramref name="Subtask"/> the subtask a build request is for;
/// <paramref name="Status"/> what was answered (200, 429, 500…, or 0 when the request was left hanging);
/// <paramref name="Stamp"/> the <c>{Worker}#{Number}</c> stamp written into the tool calls it answered, so a file or
/// event can be traced to the worker that asked for it.
/// </summary>
public sealed record ModelCall(
    int Number,
    DateTimeOffset At,
    string Worker,
    string? Marker,
    string? Subtask,
    ModelCallKind Kind,
    int Status,
    string Stamp);

/// <summary>What a model request was for.</summary>
public enum ModelCallKind
{
    /// <summary>The planning request.</summary>
    Plan,

    /// <summary>The first turn of a subtask's build (no tool result yet): the start of building it.</summary>
    BuildStart,

    /// <summary>A later turn of a subtask's build.</summary>
    BuildTurn,

    /// <summary>Anything else (a summary, a title, a request it could not place).</summary>
    Other,
}
