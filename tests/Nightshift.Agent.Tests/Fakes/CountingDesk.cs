using Nightshift.Agent.Tools;

namespace Nightshift.Agent.Tests.Fakes;

/// <summary>A question desk that takes up to <paramref name="maxQuestions"/> questions and keeps them.</summary>
internal sealed class CountingDesk(int maxQuestions) : IQuestionDesk
{
    public List<string> Asked { get; } = [];

    public int MaxQuestions => maxQuestions;

    public bool TryAsk(string question)
    {
        if (Asked.Count >= maxQuestions)
        {
            return false;
        }
        Asked.Add(question);
        return true;
    }
}
