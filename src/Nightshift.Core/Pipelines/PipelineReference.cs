namespace Nightshift.Core.Pipelines;

/// <summary>
/// A name a template or condition refers to: <c>inputs.NAME</c> (Root "inputs", Path empty) or
/// <c>steps.NAME.status</c> / <c>steps.NAME.output.KEY.…</c> (Root "steps", Path ["status"] or ["output", "KEY", …]).
/// </summary>
public sealed record PipelineReference(string Root, string Name, IReadOnlyList<string> Path, int Column)
{
    public override string ToString() => string.Join('.', new[] { Root, Name }.Concat(Path));
}
