using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;
using Nightshift.Server.Events;
using Nightshift.Storage;

namespace Nightshift.Server.Streaming;

/// <summary>
/// One client of <c>GET /api/v1/stream</c>. Three loops: the receiver applies the client's messages in order, the
/// sender writes the one bounded queue of outgoing frames, and one pump per followed task copies that task's events
/// (history from the store, then the shared live feed of <see cref="TaskEventHub"/>) into the queue, remembering the
/// last sequence sent. Nothing waits on the client: a pump only ever tries to queue, and a full queue closes the
/// connection with 1008 and a reason, so a slow client costs the server and the others nothing.
/// </summary>
internal sealed partial class StreamConnection
{
    /// <summary>The activity hint that means "some tasks may have been missed, look at everything".</summary>
    public const string Everything = "*";

    /// <summary>Tasks followed through a repository or all subscription that ended, kept to resume without repeats.</summary>
    private const int MaxDormantFollows = 10_000;
    private const int ActivityBuffer = 1_024;
    private const int ReceiveChunk = 4 * 1024;
    private const int HistoryPage = 1_000;
    private const int RescanPage = 200;

    private readonly WebSocket _socket;
    private readonly StreamHub _hub;
    private readonly TaskEventHub _events;
    private readonly INightshiftStore _store;
    private readonly string _orgId;
    private readonly StreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _outgoing;
    private readonly Channel<string> _activity = Channel.CreateBounded<string>(new BoundedChannelOptions(ActivityBuffer)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Follow> _follows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _repositories = new(StringComparer.Ordinal);
    private DateTimeOffset? _allSince;
    private int _explicitCount;

    private readonly CancellationTokenSource _pumpsStop = new();
    private readonly CancellationTokenSource _sendStop = new();
    private readonly CancellationTokenSource _receiveStop = new();
    private int _closing;
    private volatile bool _tooSlow;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeReason = "";
    private int _missedActivity;

    /// <param name="orgId">the caller's organisation: the only one whose tasks the connection sees.</param>
    public StreamConnection(WebSocket socket, StreamHub hub, TaskEventHub events, INightshiftStore store, string orgId, StreamOptions options, TimeProvider time, ILogger logger)
    {
        _orgId = orgId;
        _socket = socket;
        _hub = hub;
        _events = events;
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        _outgoing = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.ClientBuffer)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>True while the connection has a repository or all subscription (the hub then looks up repositories).</summary>
    public bool HasScope
    {
        get
        {
            lock (_lock)
            {
                return _allSince is not null || _repositories.Count > 0;
            }
        }
    }

    /// <summary>Runs until the client closes, breaks, falls behind or the server stops; never throws for the client's sake.</summary>
    public async Task RunAsync(CancellationToken serverStopping)
    {
        _hub.Add(this);
        using var onStop = serverStopping.Register(() => BeginClose(WebSocketCloseStatus.EndpointUnavailable, "server stopping"));
        var activity = Task.Run(() => WatchActivityAsync(_pumpsStop.Token), CancellationToken.None);
        var sending = SendAsync();
        try
        {
            await ReceiveAsync(_receiveStop.Token);
            BeginClose(_closeStatus, _closeReason);
            await sending;
            try
            {
                await ReceiveCloseAsync();
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or TimeoutException)
            {
            }
        }
        finally
        {
            BeginClose(WebSocketCloseStatus.NormalClosure, "");
            _hub.Remove(this);
            await sending;
            await activity;
            Task[] pumps;
            lock (_lock)
            {
                pumps = [.. _follows.Values.Select(f => f.Pump)];
            }
            await Task.WhenAll(pumps);
            if (_socket.State is not WebSocketState.Closed)
            {
                _socket.Abort();
            }
            _socket.Dispose();
            _pumpsStop.Dispose();
            _sendStop.Dispose();
            _receiveStop.Dispose();
        }
    }

    /// <summary>Called by the hub for every task that got new events; never waits.</summary>
    public void Notify(string taskId, string? repository)
    {
        if (taskId != Everything)
        {
            lock (_lock)
            {
                if (_follows.TryGetValue(taskId, out var follow))
                {
                    if (follow.Running)
                    {
                        // The running pump reads these events anyway; only its end must look once more. Settling it
                        // here spares a thousand connections of one busy task a wake-up per event.
                        follow.Dirty = true;
                        return;
                    }
                }
                else if (_allSince is null && (repository is null || !_repositories.ContainsKey(repository)))
                {
                    return;
                }
            }
        }
        if (!_activity.Writer.TryWrite(taskId))
        {
            Volatile.Write(ref _missedActivity, 1);
        }
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var chunk = new byte[ReceiveChunk];
        var message = new ArrayBufferWriter<byte>(ReceiveChunk);
        try
        {
            while (Volatile.Read(ref _closing) == 0)
            {
                var result = await _socket.ReceiveAsync(chunk.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    SetClose(WebSocketCloseStatus.NormalClosure, "");
                    return;
                }
                if (message.WrittenCount + result.Count > _options.MaxFrameBytes)
                {
                    LogFrameTooBig(_logger, _options.MaxFrameBytes);
                    SetClose(WebSocketCloseStatus.MessageTooBig, $"message over {_options.MaxFrameBytes} bytes (Stream:MaxFrameBytes)");
                    return;
                }
                message.Write(chunk.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    Queue(StreamFrames.Error("binary messages are not understood; send JSON text messages such as {\"op\":\"ping\"}"));
                }
                else
                {
                    await HandleAsync(message.WrittenMemory, cancellationToken);
                }
                message.ResetWrittenCount();
                if (message.Capacity > 4 * ReceiveChunk)
                {
                    message = new ArrayBufferWriter<byte>(ReceiveChunk);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (WebSocketException)
        {
            // The client went away without a close frame.
            SetClose(WebSocketCloseStatus.Empty, "");
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        if (!StreamCommandParser.TryParse(message, _options.MaxSubscriptions, out var command, out var error, out var requestId))
        {
            Queue(StreamFrames.Error(error, requestId));
            return;
        }
        switch (command.Op)
        {
            case StreamOp.Ping:
                Queue(StreamFrames.Pong(command));
                break;
            case StreamOp.Subscribe:
                await SubscribeAsync(command, cancellationToken);
                break;
            case StreamOp.Unsubscribe:
                await UnsubscribeAsync(command);
                break;
        }
    }

    private async Task SubscribeAsync(StreamCommand command, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var adding = command.Tasks.Count(t => !(_follows.TryGetValue(t.Key, out var f) && f.Explicit))
                + (command.Repository is not null && !_repositories.ContainsKey(command.Repository) ? 1 : 0)
                + (command.All && _allSince is null ? 1 : 0);
            var held = _explicitCount + _repositories.Count + (_allSince is null ? 0 : 1);
            if (held + adding > _options.MaxSubscriptions)
            {
                Queue(StreamFrames.Error(
                    $"this would make {held + adding} subscriptions; a connection holds at most {_options.MaxSubscriptions} (Stream:MaxSubscriptions): unsubscribe from some, or subscribe to a repository or to all instead",
                    command.RequestId));
                return;
            }
        }

        if (command.All || command.Repository is not null)
        {
            var since = SubscriptionMoment();
            lock (_lock)
            {
                if (command.All)
                {
                    _allSince ??= since;
                }
                else
                {
                    _repositories.TryAdd(command.Repository!, since);
                }
            }
            Queue(StreamFrames.Subscribed(command));
            return;
        }

        var found = new List<(string Id, long After, string Repo)>();
        foreach (var (id, after) in command.Tasks)
        {
            var task = await _store.FindInOrgAsync(_orgId, id, cancellationToken);
            if (task is null)
            {
                Queue(StreamFrames.Error($"task {id} does not exist; check the id (GET /api/v1/tasks lists them)", command.RequestId, id));
                continue;
            }
            found.Add((id, after, task.Repo));
        }
        if (found.Count == 0)
        {
            return;
        }
        // The acknowledgement goes out before any event of these tasks.
        Queue(StreamFrames.Subscribed(command with { Tasks = [.. found.Select(f => new KeyValuePair<string, long>(f.Id, f.After))] }));
        foreach (var (id, after, repo) in found)
        {
            await StopFollowAsync(id, keepIfCovered: false);
            lock (_lock)
            {
                var follow = new Follow(id, repo) { Explicit = true, Cursor = after };
                _follows[id] = follow;
                _explicitCount++;
                StartPump(follow);
            }
        }
    }

    private async Task UnsubscribeAsync(StreamCommand command)
    {
        var stopping = new List<string>();
        lock (_lock)
        {
            if (command.All)
            {
                _allSince = null;
            }
            else if (command.Repository is not null)
            {
                _repositories.Remove(command.Repository);
            }
            foreach (var (id, _) in command.Tasks)
            {
                if (_follows.TryGetValue(id, out var follow) && follow.Explicit)
                {
                    follow.Explicit = false;
                    _explicitCount--;
                }
            }
            stopping.AddRange(_follows.Values.Where(f => !f.Explicit && !IsCovered(f.Repo)).Select(f => f.TaskId));
        }
        foreach (var id in stopping)
        {
            await StopFollowAsync(id, keepIfCovered: true);
        }
        Queue(StreamFrames.Unsubscribed(command));
    }

    /// <summary>Stops and forgets a task's pump; with <paramref name="keepIfCovered"/>, only if nothing asks for it any more.</summary>
    private async Task StopFollowAsync(string taskId, bool keepIfCovered)
    {
        Follow? follow;
        lock (_lock)
        {
            if (!_follows.TryGetValue(taskId, out follow) || (keepIfCovered && (follow.Explicit || IsCovered(follow.Repo))))
            {
                return;
            }
            _follows.Remove(taskId);
            if (follow.Explicit)
            {
                _explicitCount--;
            }
            follow.Removed = true;
        }
        await follow.Stop.CancelAsync();
        await follow.Pump;
    }

    /// <remarks>Called under the lock.</remarks>
    private bool IsCovered(string? repository) =>
        _allSince is not null || (repository is not null && _repositories.ContainsKey(repository));

    /// <remarks>Called under the lock.</remarks>
    private void StartPump(Follow follow)
    {
        follow.Running = true;
        follow.Dirty = false;
        var from = follow.Cursor;
        follow.Pump = Task.Run(() => PumpAsync(follow, from), CancellationToken.None);
    }

    private async Task PumpAsync(Follow follow, long from)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_pumpsStop.Token, follow.Stop.Token);
        try
        {
            await foreach (var frame in _events.SubscribeAsync(follow.TaskId, from, stop.Token))
            {
                if (!Queue(StreamFrames.Event(frame.Event)))
                {
                    return;
                }
                follow.Cursor = frame.Sequence;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return;
        }
        catch (TaskNotFoundException)
        {
            Queue(StreamFrames.Error($"task {follow.TaskId} no longer exists; its subscription ended", taskId: follow.TaskId));
            lock (_lock)
            {
                follow.Running = false;
                if (!follow.Removed)
                {
                    _follows.Remove(follow.TaskId);
                    if (follow.Explicit)
                    {
                        _explicitCount--;
                    }
                }
            }
            return;
        }
        catch (Exception exception)
        {
            LogFollowFailed(_logger, follow.TaskId, exception);
            Queue(StreamFrames.Error(
                $"reading the events of task {follow.TaskId} failed; subscribe to it again with the last seq you received ({follow.Cursor})",
                taskId: follow.TaskId));
            lock (_lock)
            {
                follow.Running = false;
            }
            return;
        }

        lock (_lock)
        {
            follow.Running = false;
            // The task ended; new events after a retry arrive as activity. Activity seen while this pump was finishing
            // may belong to events it did not read: look once more.
            if (follow.Dirty && !follow.Removed && !_pumpsStop.IsCancellationRequested)
            {
                StartPump(follow);
            }
        }
    }

    private async Task WatchActivityAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var taskId in _activity.Reader.ReadAllAsync(cancellationToken))
            {
                if (taskId == Everything || Interlocked.Exchange(ref _missedActivity, 0) == 1)
                {
                    await RescanAsync(cancellationToken);
                    if (taskId == Everything)
                    {
                        continue;
                    }
                }
                await OnActivityAsync(taskId, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            LogActivityFailed(_logger, exception);
            BeginClose(WebSocketCloseStatus.InternalServerError, "server error; reconnect and resume");
        }
    }

    private async Task OnActivityAsync(string taskId, CancellationToken cancellationToken)
    {
        if (Wake(taskId))
        {
            return;
        }
        var task = await _store.FindInOrgAsync(_orgId, taskId, cancellationToken);
        if (task is null)
        {
            return;
        }
        DateTimeOffset since;
        lock (_lock)
        {
            if (_repositories.TryGetValue(task.Repo, out var repositorySince))
            {
                since = _allSince is { } all && all < repositorySince ? all : repositorySince;
            }
            else if (_allSince is { } all)
            {
                since = all;
            }
            else
            {
                return;
            }
        }
        var cursor = await CursorBeforeAsync(task, since, cancellationToken);
        lock (_lock)
        {
            if (_follows.ContainsKey(taskId) || !IsCovered(task.Repo))
            {
                return;
            }
            ForgetDormant();
            var follow = new Follow(taskId, task.Repo) { Cursor = cursor };
            _follows[taskId] = follow;
            StartPump(follow);
        }
    }

    /// <summary>Restarts a known task's ended pump, or marks a running one to look again; false for a task not followed.</summary>
    private bool Wake(string taskId)
    {
        lock (_lock)
        {
            if (!_follows.TryGetValue(taskId, out var follow))
            {
                return false;
            }
            if (follow.Running)
            {
                follow.Dirty = true;
            }
            else if (!_pumpsStop.IsCancellationRequested)
            {
                StartPump(follow);
            }
            return true;
        }
    }

    /// <summary>After missed hints: wake every ended pump, and look for tasks in scope that may have had events meanwhile.</summary>
    private async Task RescanAsync(CancellationToken cancellationToken)
    {
        string[] known;
        List<string?> scopes;
        DateTimeOffset? earliest;
        lock (_lock)
        {
            known = [.. _follows.Keys];
            scopes = _allSince is not null ? [null] : [.. _repositories.Keys];
            earliest = _allSince ?? (_repositories.Count > 0 ? _repositories.Values.Min() : null);
        }
        foreach (var id in known)
        {
            Wake(id);
        }
        if (earliest is null)
        {
            return;
        }
        foreach (var repository in scopes)
        {
            var page = await _store.ListAsync(new TaskQuery(Repo: repository, Limit: RescanPage) { OrgId = _orgId }, cancellationToken);
            foreach (var task in page.Items)
            {
                if (!task.Status.IsTerminal() || task.UpdatedAt >= earliest)
                {
                    await OnActivityAsync(task.Id, cancellationToken);
                }
            }
        }
    }

    /// <summary>
    /// Where a task first seen through a repository or all subscription starts: after its last event stamped before
    /// the subscription (a task created since then from its first event).
    /// </summary>
    private async Task<long> CursorBeforeAsync(TaskRecord task, DateTimeOffset since, CancellationToken cancellationToken)
    {
        if (task.CreatedAt >= since)
        {
            return 0;
        }
        var cursor = 0L;
        while (true)
        {
            var page = await _store.ReadEventsAsync(task.Id, cursor, HistoryPage, cancellationToken);
            foreach (var taskEvent in page)
            {
                if (taskEvent.Time >= since)
                {
                    return cursor;
                }
                cursor = taskEvent.Sequence;
            }
            if (page.Count < HistoryPage)
            {
                return cursor;
            }
        }
    }

    /// <remarks>Called under the lock.</remarks>
    private void ForgetDormant()
    {
        if (_follows.Count < _explicitCount + MaxDormantFollows)
        {
            return;
        }
        foreach (var follow in _follows.Values.Where(f => !f.Explicit && !f.Running).Take(MaxDormantFollows / 10).ToList())
        {
            follow.Removed = true;
            _follows.Remove(follow.TaskId);
        }
    }

    /// <summary>The store keeps milliseconds: an event stamped in the same millisecond as the subscription counts as after it.</summary>
    private DateTimeOffset SubscriptionMoment()
    {
        var now = _time.GetUtcNow();
        return DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
    }

    /// <summary>Queues a frame for the client; false once the connection is closing (its queue was full or it went away).</summary>
    private bool Queue(byte[] frame)
    {
        if (_outgoing.Writer.TryWrite(frame))
        {
            return true;
        }
        // Two pumps may find the queue full at once: only the one that begins the close counts it.
        if (Volatile.Read(ref _closing) == 0)
        {
            _tooSlow = true;
            if (BeginClose(WebSocketCloseStatus.PolicyViolation, $"client too slow: {_options.ClientBuffer} frames waiting"))
            {
                _hub.CountTooSlow();
                LogTooSlow(_logger, _options.ClientBuffer);
            }
        }
        return false;
    }

    private void SetClose(WebSocketCloseStatus status, string reason)
    {
        if (Volatile.Read(ref _closing) == 0)
        {
            _closeStatus = status;
            _closeReason = reason;
        }
    }

    /// <summary>Stops the pumps and the queue; the sender then says goodbye with <paramref name="status"/>. Only the first call counts: it returns true.</summary>
    private bool BeginClose(WebSocketCloseStatus status, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) == 1)
        {
            return false;
        }
        _closeStatus = status;
        _closeReason = reason;
        _outgoing.Writer.TryComplete();
        _activity.Writer.TryComplete();
        try
        {
            _pumpsStop.Cancel();
            // A client that never reads never lets the last send finish: cut it after the close timeout.
            _sendStop.CancelAfter(_options.CloseTimeout);
        }
        catch (ObjectDisposedException)
        {
        }
        return true;
    }

    private async Task SendAsync()
    {
        await Task.Yield();
        var token = _sendStop.Token;
        try
        {
            await foreach (var frame in _outgoing.Reader.ReadAllAsync(token))
            {
                if (_tooSlow)
                {
                    break;
                }
                await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, token);
            }
            if (_closeStatus != WebSocketCloseStatus.Empty && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(_closeStatus, _closeReason, token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or IOException)
        {
            // The client stopped reading or went away: nothing more can be said to it.
            _socket.Abort();
        }
        finally
        {
            _receiveStop.CancelAfter(_options.CloseTimeout);
        }
    }

    /// <summary>After our close frame, waits (bounded by the close timeout) for the client's, so the close is clean.</summary>
    private async Task ReceiveCloseAsync()
    {
        if (_socket.State is not WebSocketState.CloseSent)
        {
            return;
        }
        var sink = new byte[ReceiveChunk];
        while (_socket.State is WebSocketState.CloseSent)
        {
            var result = await _socket.ReceiveAsync(sink.AsMemory(), _receiveStop.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 3461, Level = LogLevel.Information, Message = "Closed a stream connection whose client did not keep up: {Frames} frames were waiting")]
    private static partial void LogTooSlow(ILogger logger, int frames);

    [LoggerMessage(EventId = 3462, Level = LogLevel.Information, Message = "Closed a stream connection that sent a message over {MaxBytes} bytes")]
    private static partial void LogFrameTooBig(ILogger logger, int maxBytes);

    [LoggerMessage(EventId = 3463, Level = LogLevel.Warning, Message = "Reading the events of task {TaskId} for a stream connection failed; the client was told to subscribe again")]
    private static partial void LogFollowFailed(ILogger logger, string taskId, Exception exception);

    [LoggerMessage(EventId = 3464, Level = LogLevel.Warning, Message = "A stream connection's repository and all subscriptions failed; the connection is closed for the client to reconnect")]
    private static partial void LogActivityFailed(ILogger logger, Exception exception);

    private sealed class Follow(string taskId, string? repo)
    {
        public string TaskId { get; } = taskId;

        public string? Repo { get; } = repo;

        public bool Explicit { get; set; }

        /// <summary>The last sequence queued for the client; written by the pump only.</summary>
        public long Cursor
        {
            get => Interlocked.Read(ref _cursor);
            set => Interlocked.Exchange(ref _cursor, value);
        }

        public bool Running { get; set; }

        /// <summary>Activity came while the pump ran: look again when it ends.</summary>
        public bool Dirty { get; set; }

        public bool Removed { get; set; }

        public CancellationTokenSource Stop { get; } = new();

        public Task Pump { get; set; } = Task.CompletedTask;

        private long _cursor;
    }
}
