namespace Nightshift.Agent.Tools;

/// <summary>Where the ask tool leaves the agent's question for a person, within the task's allowance of questions.</summary>
public interface IQuestionDesk
{
    /// <summary>How many questions the task may ask in all.</summary>
    int MaxQuestions { get; }

    /// <summary>Takes <paramref name="question"/> when the task has questions left; false when it has asked its last.</summary>
    bool TryAsk(string question);
}
