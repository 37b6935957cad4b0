using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Nightshift.Workspaces.Tests;

/// <summary>Keeps formatted log lines so a test can show or check them.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
        }
    }
}
