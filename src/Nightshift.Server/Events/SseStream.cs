using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.Features;
using Nightshift.Server.Metrics;

namespace Nightshift.Server.Events;

/// <summary>
/// Writes a task's events as Server-Sent Events (<c>id:</c> = sequence, <c>event:</c> = type, <c>data:</c> = one JSON line),
/// with a comment line whenever the stream has been quiet for a heartbeat interval.
/// </summary>
internal sealed class SseStream(HttpResponse response, TimeProvider timeProvider, TimeSpan heartbeatInterval, ServerMetrics metrics)
{
    private static readonly byte[] Heartbeat = ": keepalive\n\n"u8.ToArray();
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public Task RunAsync(IAsyncEnumerable<SseFrame> frames, CancellationToken cancellationToken) =>
        RunAsync(BytesOf(frames, cancellationToken), cancellationToken);

    /// <summary>Writes complete frames formatted elsewhere (a pipeline run's events), with the same heartbeats.</summary>
    public async Task RunAsync(IAsyncEnumerable<ReadOnlyMemory<byte>> frames, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        metrics.SseClientConnected();
        using var heartbeatStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task heartbeats = Task.CompletedTask;
        try
        {
            await response.StartAsync(cancellationToken);
            await response.BodyWriter.FlushAsync(cancellationToken);
            heartbeats = SendHeartbeatsAsync(heartbeatStop.Token);

            await foreach (var frame in frames.WithCancellation(cancellationToken))
            {
                await _writeLock.WaitAsync(cancellationToken);
                try
                {
                    await response.BodyWriter.WriteAsync(frame, cancellationToken);
                }
                finally
                {
                    _writeLock.Release();
                }
                metrics.SseEventSent();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the server is stopping: the stream simply ends.
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeats;
            metrics.SseClientDisconnected();
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> BytesOf(IAsyncEnumerable<SseFrame> frames, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var frame in frames.WithCancellation(cancellationToken))
        {
            yield return frame.Bytes;
        }
    }

    private async Task SendHeartbeatsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(heartbeatInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await _writeLock.WaitAsync(cancellationToken);
                try
                {
                    await response.BodyWriter.WriteAsync(Heartbeat, cancellationToken);
                }
                finally
                {
                    _writeLock.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The connection broke; the event loop notices through the request's abort token.
        }
    }
}
