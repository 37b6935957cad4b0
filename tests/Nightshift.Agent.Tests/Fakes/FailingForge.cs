using Nightshift.Core.Forges;
using Nightshift.Forges;

namespace Nightshift.Agent.Tests.Fakes;

/// <summary>A forge that throws <paramref name="failure"/> for its first <paramref name="failures"/> calls, then opens as the local forge does.</summary>
internal sealed class FailingForge(ForgeException failure, int failures = 1) : IForge
{
    private readonly LocalForge _local = new(TimeProvider.System);
    private int _calls;

    public string Name => "flaky";

    public int Calls => Volatile.Read(ref _calls);

    public Task<PullRequest> OpenAsync(PullRequestDraft draft, CancellationToken cancellationToken = default) =>
        Interlocked.Increment(ref _calls) <= failures ? throw failure : _local.OpenAsync(draft, cancellationToken);
}
