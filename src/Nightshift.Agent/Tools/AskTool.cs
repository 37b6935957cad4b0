namespace Nightshift.Agent.Tools;

/// <summary>
/// The agent asks the person who asked for the task one clarifying question. The attempt stops (it is not a failure),
/// the task waits for the answer holding no worker, and resumes from its checkpoint with the question and the answer
/// in the agent's context. Past the task's allowance the tool says to go on with best judgement instead.
/// </summary>
public sealed class AskTool(IQuestionDesk desk) : AgentTool
{
    public const int MaxQuestionLength = 2_000;

    public override string Name => "ask";

    public override string Description =>
        "Ask the person who gave you this task ONE clarifying question, only when the task cannot be done well without their answer " +
        "(an ambiguous requirement, a choice only they can make). Your work stops until they answer, which may take hours: " +
        "prefer a sensible assumption you state in your summary. 'question': short and self-contained.";

    public override IReadOnlyList<ToolParameter> Parameters { get; } =
    [
        new("question", ToolParameterType.String, "the question, short and self-contained", MaxLength: MaxQuestionLength),
    ];

    public override Task<ToolResult> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var question = arguments.GetString("question").Trim();
        if (question.Length == 0 || question.Any(c => char.IsControl(c) && c is not ('\n' or '\t')))
        {
            throw new ToolException("question must be plain text (newlines allowed) saying what you need to know");
        }
        if (!desk.TryAsk(question))
        {
            return Task.FromResult(new ToolResult(
                $"Not asked: this task has used all {desk.MaxQuestions} of its questions. Do not ask again; proceed on your best judgement " +
                "and say in your finish summary what you assumed."));
        }
        return Task.FromResult(new ToolResult("Your question was sent. Stop here: the task resumes with the answer.") { Question = question });
    }
}
