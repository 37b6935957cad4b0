using Nightshift.Core.Execution;

namespace Nightshift.TestKit.Server;

/// <summary>Fails every attempt with an exception whose message a test can look for in the events.</summary>
public sealed class ThrowingExecutor(string message = "the test executor broke on purpose") : ITaskExecutor
{
    public string Message { get; } = message;

    public Task<TaskOutcome> ExecuteAsync(ITaskRun run, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(Message);
}
