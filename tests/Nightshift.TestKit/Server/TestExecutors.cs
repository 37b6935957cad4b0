using Nightshift.Core.Execution;

namespace Nightshift.TestKit.Server;

/// <summary>Test executors by name, for child-process hosts that pick one with a command-line argument.</summary>
public static class TestExecutors
{
    public static ITaskExecutor? Create(string name) => name switch
    {
        "scripted" => new ScriptedExecutor(),
        "until-cancelled" => new UntilCancelledExecutor(),
        "throwing" => new ThrowingExecutor(),
        "stubborn" => new StubbornExecutor(),
        _ => null,
    };

    public static IReadOnlyList<string> Names { get; } = ["scripted", "until-cancelled", "throwing", "stubborn", "none (the production executor)"];
}
