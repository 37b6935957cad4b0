using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Nightshift.Storage;

namespace Nightshift.Server.Events;

/// <summary>
/// Shares one store follower per task among all its SSE clients, so a hundred clients cost one read per event instead of
/// a hundred, and each frame is formatted once. A client replays history from the store itself, then takes live frames
/// from the shared feed, skipping what it already sent; if it falls behind (its buffer fills) or the feed fails, it
/// continues on its own store follower from where it was — never a gap, never a duplicate.
/// </summary>
internal sealed partial class TaskEventHub(INightshiftStore store, ILogger<TaskEventHub> logger, int clientBuffer = TaskEventHub.ClientBuffer)
{
    /// <summary>Live frames a client may lag behind before it is moved to its own follower.</summary>
    public const int ClientBuffer = 1_024;
    private const int HistoryPage = 1_000;

    private readonly Dictionary<string, Feed> _feeds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Tasks with a shared feed running now (for tests and metrics).</summary>
    public int ActiveFeeds
    {
        get
        {
            lock (_lock)
            {
                return _feeds.Count;
            }
        }
    }

    /// <summary>Clients subscribed to a feed now; a client counts once its stream has started reading.</summary>
    public int ActiveSubscribers
    {
        get
        {
            lock (_lock)
            {
                return _feeds.Values.Sum(f => f.Subscribers.Length);
            }
        }
    }

    /// <summary>Every event after <paramref name="afterSequence"/>, then live ones, ending after the task's final event.</summary>
    public async IAsyncEnumerable<SseFrame> SubscribeAsync(string taskId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriber = new Subscriber(clientBuffer);
        var feed = Register(taskId, afterSequence, subscriber);
        try
        {
            var last = afterSequence;
            while (true)
            {
                var page = await store.ReadEventsAsync(taskId, last, HistoryPage, cancellationToken);
                foreach (var taskEvent in page)
                {
                    last = taskEvent.Sequence;
                    yield return SseFrame.From(taskEvent);
                }
                if (page.Count < HistoryPage)
                {
                    break;
                }
            }

            var onOwn = false;
            await foreach (var frame in subscriber.Frames.Reader.ReadAllAsync(cancellationToken))
            {
                if (frame.Sequence <= last)
                {
                    continue;
                }
                if (frame.Sequence != last + 1)
                {
                    // The shared feed started past this client's position; the store fills the hole.
                    onOwn = true;
                    break;
                }
                last = frame.Sequence;
                yield return frame;
            }

            if (onOwn || subscriber.MustContinueAlone)
            {
                Unregister(feed, subscriber);
                await foreach (var taskEvent in store.FollowEventsAsync(taskId, last, untilFinished: true, cancellationToken))
                {
                    last = taskEvent.Sequence;
                    yield return SseFrame.From(taskEvent);
                }
            }
        }
        finally
        {
            Unregister(feed, subscriber);
        }
    }

    private Feed Register(string taskId, long afterSequence, Subscriber subscriber)
    {
        Feed? started = null;
        Feed feed;
        lock (_lock)
        {
            if (!_feeds.TryGetValue(taskId, out feed!) || feed.Completed)
            {
                feed = new Feed(taskId);
                _feeds[taskId] = feed;
                started = feed;
            }
            feed.Subscribers = [.. feed.Subscribers, subscriber];
        }
        if (started is not null)
        {
            started.Pump = Task.Run(() => PumpAsync(started, afterSequence));
        }
        return feed;
    }

    private void Unregister(Feed feed, Subscriber subscriber)
    {
        lock (_lock)
        {
            if (Array.IndexOf(feed.Subscribers, subscriber) < 0)
            {
                return;
            }
            feed.Subscribers = [.. feed.Subscribers.Where(s => s != subscriber)];
            if (feed.Subscribers.Length == 0 && !feed.Completed)
            {
                // Nobody listens: stop reading the store for this task.
                Complete(feed);
                feed.Stop.Cancel();
            }
        }
    }

    private async Task PumpAsync(Feed feed, long afterSequence)
    {
        var failed = false;
        try
        {
            await foreach (var taskEvent in store.FollowEventsAsync(feed.TaskId, afterSequence, untilFinished: true, feed.Stop.Token))
            {
                var frame = SseFrame.From(taskEvent);
                foreach (var subscriber in feed.Subscribers)
                {
                    if (!subscriber.Frames.Writer.TryWrite(frame))
                    {
                        subscriber.MustContinueAlone = true;
                        subscriber.Frames.Writer.TryComplete();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (feed.Stop.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            failed = true;
            LogFeedFailed(logger, feed.TaskId, exception);
        }
        finally
        {
            lock (_lock)
            {
                if (failed)
                {
                    foreach (var subscriber in feed.Subscribers)
                    {
                        subscriber.MustContinueAlone = true;
                    }
                }
                Complete(feed);
            }
            feed.Stop.Dispose();
        }
    }

    /// <remarks>Called under the lock.</remarks>
    private void Complete(Feed feed)
    {
        if (feed.Completed)
        {
            return;
        }
        feed.Completed = true;
        if (_feeds.TryGetValue(feed.TaskId, out var current) && current == feed)
        {
            _feeds.Remove(feed.TaskId);
        }
        foreach (var subscriber in feed.Subscribers)
        {
            subscriber.Frames.Writer.TryComplete();
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "The shared event feed of task {TaskId} failed; its clients continue on their own followers")]
    private static partial void LogFeedFailed(ILogger logger, string taskId, Exception exception);

    private sealed class Feed(string taskId)
    {
        public string TaskId { get; } = taskId;

        /// <summary>Replaced, never mutated, so the pump can walk it without the lock.</summary>
        public volatile Subscriber[] Subscribers = [];

        public bool Completed { get; set; }

        public CancellationTokenSource Stop { get; } = new();

        public Task? Pump { get; set; }
    }

    private sealed class Subscriber(int capacity)
    {
        public Channel<SseFrame> Frames { get; } = Channel.CreateBounded<SseFrame>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });

        public volatile bool MustContinueAlone;
    }
}
