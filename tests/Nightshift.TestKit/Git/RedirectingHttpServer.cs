using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nightshift.TestKit.Git;

/// <summary>
/// An HTTP server on 127.0.0.1 (OS-chosen port) that answers every request with a redirect to <c>target</c> plus the
/// request's path and query, as a hostile or misconfigured repository host would. Records each request line it receives.
/// </summary>
public sealed class RedirectingHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _target;
    private readonly int _status;
    private readonly Task _loop;

    /// <param name="target">Where every request is sent, e.g. <c>http://127.0.0.1:PORT/elsewhere</c>.</param>
    /// <param name="status">The redirect status: 301, 302, 303, 307 or 308.</param>
    public RedirectingHttpServer(string target, int status = 302)
    {
        _target = target.TrimEnd('/');
        _status = status;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public string UrlOf(string path) => $"http://127.0.0.1:{Port}/{path.TrimStart('/')}";

    /// <summary>The request lines received, in order (<c>GET /repo.git/info/refs?service=git-upload-pack HTTP/1.1</c>).</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync(_stop.Token);
                if (requestLine is null)
                {
                    return;
                }
                Requests.Enqueue(requestLine);
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token)))
                {
                    // The headers are not needed: every request gets the same answer.
                }
                var parts = requestLine.Split(' ');
                var path = parts.Length > 1 ? parts[1] : "/";
                var answer = $"HTTP/1.1 {_status} Moved\r\nLocation: {_target}{path}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(answer), _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the server is stopping; nothing to answer.
            }
        }
    }
}
