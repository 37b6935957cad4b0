namespace Nightshift.Cli.Api;

/// <summary>
/// One event log <see cref="EventFollower"/> follows: how to open its stream after a sequence number, which event is
/// the last, whether what it belongs to has ended (asked when the stream ends without that event), and how to fetch the
/// events left after a sequence number. <see cref="What"/> names it in the message when the stream keeps dropping.
/// </summary>
internal sealed record EventStreamSource(
    string What,
    Func<long, CancellationToken, IAsyncEnumerable<ApiEvent>> Stream,
    Func<ApiEvent, bool> IsFinal,
    Func<CancellationToken, Task<bool>> HasEndedAsync,
    Func<long, CancellationToken, Task<IReadOnlyList<ApiEvent>>> RestAsync);
