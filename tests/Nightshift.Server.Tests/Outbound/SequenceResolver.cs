using System.Net;
using Nightshift.Core.Network;

namespace Nightshift.Server.Tests.Outbound;

/// <summary>A resolver that gives each answer in turn (the last one again once they run out), counting the questions.</summary>
internal sealed class SequenceResolver(params IPAddress[][] answers) : IHostResolver
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken = default)
    {
        var call = Interlocked.Increment(ref _calls);
        return Task.FromResult(answers.Length == 0 ? [] : answers[Math.Min(call, answers.Length) - 1]);
    }
}
