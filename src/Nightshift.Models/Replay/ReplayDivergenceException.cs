using Nightshift.Core.Errors;

namespace Nightshift.Models.Replay;

/// <summary>The conversation left the recorded path; the message says at which call and what differs.</summary>
public sealed class ReplayDivergenceException(string cassette, int call, string expected, string received, string message)
    : NightshiftException(message)
{
    public string Cassette { get; } = cassette;

    /// <summary>1-based number of the model call that diverged.</summary>
    public int Call { get; } = call;

    public string Expected { get; } = expected;

    public string Received { get; } = received;
}
