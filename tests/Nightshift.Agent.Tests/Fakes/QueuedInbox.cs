using Nightshift.Agent.Loop;

namespace Nightshift.Agent.Tests.Fakes;

/// <summary>An inbox whose notes are handed out one per model turn, in order; null once they run out.</summary>
internal sealed class QueuedInbox(params string?[] notes) : IAgentInbox
{
    private readonly Queue<string?> _notes = new(notes);

    public int Reads { get; private set; }

    public Task<string?> NextAsync(CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult(_notes.TryDequeue(out var note) ? note : null);
    }
}
