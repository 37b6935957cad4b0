using Microsoft.Extensions.Logging;

namespace Nightshift.Models.Recording;

/// <summary>
/// The logging pipeline of the model layer: every message and every structured value is passed through
/// <see cref="SecretRedactor"/> before it reaches a provider, so the conversations that logging middleware writes at
/// Trace (repository content, tool output) and the SDKs' own messages never carry a key or an API token.
/// </summary>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner, IReadOnlyList<string> secrets) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), secrets);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // The factory belongs to the host; this wrapper owns nothing.
    public void Dispose()
    {
    }

    private sealed class RedactingLogger(ILogger inner, IReadOnlyList<string> secrets) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }
            IReadOnlyList<KeyValuePair<string, object?>> values = state is IReadOnlyList<KeyValuePair<string, object?>> pairs
                ? [.. pairs.Select(p => p.Key == "{OriginalFormat}" || p.Value is not string text ? p : new KeyValuePair<string, object?>(p.Key, SecretRedactor.Redact(text, secrets)))]
                : [];
            inner.Log(logLevel, eventId, values, exception, (_, e) => SecretRedactor.Redact(formatter(state, e), secrets));
        }
    }
}
