using Nightshift.Agent.Tools;

namespace Nightshift.Agent.Tests.Fakes;

/// <summary>For tests that never run commands: any attempt fails the test loudly.</summary>
internal sealed class NoCommands : ICommandRunner, IDiffSource
{
    public Task<CommandOutcome> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException($"this test did not expect a command, got: {command}");

    public Task<string> GetDiffAsync(CancellationToken cancellationToken = default) => Task.FromResult("");
}
