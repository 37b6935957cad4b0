namespace Nightshift.Agent.Execution;

/// <summary>An agent step's output when its agent answered without changing anything: <c>{ "answer", "changed": false }</c>.</summary>
internal sealed record AnswerOutput(string Answer, bool Changed);
