using Nightshift.Agent.Verification;

namespace Nightshift.Agent.Tools;

/// <summary>
/// The model says it is done; its summary becomes the commit message and the pull request's description. It may also
/// name tests that failed before its change and are outside the task (each with a reason, shown in the pull request),
/// or, for a task that asks a question rather than for a change, give the answer.
/// </summary>
public sealed class FinishTool : AgentTool
{
    public const int MaxOutOfScope = 50;

    public override string Name => "finish";

    public override string Description =>
        "Call when the change is complete. 'summary': what you changed and why, in a few sentences (first line: a short title). " +
        "'out_of_scope' (optional): tests that already failed before your change, still fail, and are not part of this task, each with the reason. " +
        "'answer' (optional): only when the task asks a question and needs no change, the answer.";

    public override IReadOnlyList<ToolParameter> Parameters { get; } =
    [
        new("summary", ToolParameterType.String, "what changed and why; the first line is a short title", MaxLength: 8_000),
        new("out_of_scope", ToolParameterType.ObjectList, "tests that failed before your change and still fail but are outside this task", Required: false, Maximum: MaxOutOfScope,
            Items:
            [
                new("test", ToolParameterType.String, "the failing test's name as the test output shows it", MaxLength: 500),
                new("reason", ToolParameterType.String, "why fixing it is not part of this task", MaxLength: 1_000),
            ]),
        new("answer", ToolParameterType.String, "the answer, when the task is a question that needs no change", Required: false, MaxLength: 8_000),
    ];

    public override Task<ToolResult> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var summary = arguments.GetString("summary").Trim();
        if (summary.Length == 0)
        {
            throw new ToolException("summary must say what you changed");
        }
        var declared = new List<OutOfScopeTest>();
        foreach (var item in arguments.GetObjectList("out_of_scope"))
        {
            var test = item.GetString("test").Trim();
            var reason = item.GetString("reason").Trim();
            if (test.Length == 0 || reason.Length == 0 || test.Any(char.IsControl))
            {
                throw new ToolException("each out_of_scope entry needs the test's name (one line) and a reason that says why it is outside this task; call finish again");
            }
            if (!declared.Any(d => string.Equals(d.Test, test, StringComparison.Ordinal)))
            {
                declared.Add(new OutOfScopeTest(test, reason));
            }
        }
        var answer = arguments.GetOptionalString("answer")?.Trim();
        return Task.FromResult(new ToolResult("finished", FinishSummary: summary)
        {
            OutOfScope = declared,
            Answer = string.IsNullOrEmpty(answer) ? null : answer,
        });
    }
}
