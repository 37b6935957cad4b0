namespace Nightshift.Cli;

/// <summary>A value on the command line cannot be used; the message says which and what to give instead (exit 2).</summary>
internal sealed class UsageException(string message, IReadOnlyDictionary<string, string[]>? errors = null) : Exception(message)
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();
}
