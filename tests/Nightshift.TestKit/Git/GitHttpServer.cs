using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nightshift.TestKit.Git;

/// <summary>
/// A real git smart-HTTP server on 127.0.0.1 (OS-chosen port) serving the repositories under a folder through
/// <c>git http-backend</c>, behind HTTP basic authentication. Records every Authorization header it receives and can
/// run a check while git is connected (to look at the client's processes mid-push).
/// </summary>
public sealed class GitHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _projectRoot;
    private readonly string _expectedAuthorization;
    private readonly Task _loop;

    public GitHttpServer(string projectRoot, string username, string password)
    {
        _projectRoot = projectRoot;
        _expectedAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary>The URL of a repository folder under the project root, e.g. <c>remote.git</c>.</summary>
    public string UrlOf(string repositoryFolder) => $"http://127.0.0.1:{Port}/{repositoryFolder}";

    /// <summary>Every Authorization header received, in order (decoded from base64 when basic).</summary>
    public ConcurrentQueue<string> ReceivedCredentials { get; } = new();

    /// <summary>Runs while an authenticated request is held open, before it is served.</summary>
    public Func<Task>? WhileAuthenticated { get; set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
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
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream);
                if (request is null)
                {
                    return;
                }
                if (request.Headers.TryGetValue("authorization", out var authorization))
                {
                    ReceivedCredentials.Enqueue(Decode(authorization));
                }
                if (authorization != _expectedAuthorization)
                {
                    await WriteAsync(stream, "401 Unauthorized", [("WWW-Authenticate", "Basic realm=\"nightshift-test\"")], []);
                    return;
                }
                if (WhileAuthenticated is { } check)
                {
                    await check();
                }
                await ServeGitAsync(stream, request);
            }
            catch (IOException)
            {
                // The client went away; nothing to answer.
            }
        }
    }

    private async Task ServeGitAsync(NetworkStream stream, Request request)
    {
        var question = request.Target.IndexOf('?', StringComparison.Ordinal);
        var start = new ProcessStartInfo("git", ["http-backend"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("GIT_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_PROJECT_ROOT"] = _projectRoot;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["REMOTE_USER"] = "tester";
        start.Environment["REMOTE_ADDR"] = "127.0.0.1";
        start.Environment["REQUEST_METHOD"] = request.Method;
        start.Environment["PATH_INFO"] = question < 0 ? request.Target : request.Target[..question];
        start.Environment["QUERY_STRING"] = question < 0 ? "" : request.Target[(question + 1)..];
        start.Environment["CONTENT_LENGTH"] = request.Body.Length.ToString(CultureInfo.InvariantCulture);
        if (request.Headers.TryGetValue("content-type", out var contentType))
        {
            start.Environment["CONTENT_TYPE"] = contentType;
        }
        if (request.Headers.TryGetValue("content-encoding", out var encoding))
        {
            start.Environment["HTTP_CONTENT_ENCODING"] = encoding;
        }
        if (request.Headers.TryGetValue("git-protocol", out var protocol))
        {
            start.Environment["GIT_PROTOCOL"] = protocol;
        }
        using var process = Process.Start(start)!;
        var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(request.Body);
        process.StandardInput.Close();
        await copy;
        await process.WaitForExitAsync();
        await errors;

        var bytes = output.ToArray();
        var split = IndexOf(bytes, "\r\n\r\n"u8);
        var separator = 4;
        if (split < 0)
        {
            split = IndexOf(bytes, "\n\n"u8);
            separator = 2;
        }
        var head = split < 0 ? "" : Encoding.ASCII.GetString(bytes, 0, split);
        var body = split < 0 ? bytes : bytes[(split + separator)..];
        var status = "200 OK";
        var headers = new List<(string, string)>();
        foreach (var line in head.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                status = value;
            }
            else
            {
                headers.Add((name, value));
            }
        }
        await WriteAsync(stream, status, headers, body);
    }

    private static async Task WriteAsync(NetworkStream stream, string status, List<(string Name, string Value)> headers, byte[] body)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }
        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    private static async Task<Request?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (IndexOf([.. buffer], "\r\n\r\n"u8) < 0)
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }
            buffer.Add(one[0]);
            if (buffer.Count > 64 * 1024)
            {
                return null;
            }
        }
        var lines = Encoding.ASCII.GetString([.. buffer]).Split("\r\n");
        var first = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        byte[] body;
        if (headers.TryGetValue("content-length", out var length))
        {
            body = new byte[int.Parse(length, CultureInfo.InvariantCulture)];
            await stream.ReadExactlyAsync(body);
        }
        else if (headers.TryGetValue("transfer-encoding", out var transfer) && transfer.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = await ReadChunkedAsync(stream);
        }
        else
        {
            body = [];
        }
        return new Request(first[0], first[1], headers, body);
    }

    private static async Task<byte[]> ReadChunkedAsync(NetworkStream stream)
    {
        var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(stream);
            var size = int.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                await ReadLineAsync(stream);
                return body.ToArray();
            }
            var chunk = new byte[size];
            await stream.ReadExactlyAsync(chunk);
            body.Write(chunk);
            await ReadLineAsync(stream);
        }
    }

    private static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (await stream.ReadAsync(one) > 0)
        {
            if (one[0] == '\n')
            {
                break;
            }
            if (one[0] != '\r')
            {
                line.Append((char)one[0]);
            }
        }
        return line.ToString();
    }

    private static string Decode(string authorization)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return authorization;
        }
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..]));
        }
        catch (FormatException)
        {
            return authorization;
        }
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    private sealed record Request(string Method, string Target, Dictionary<string, string> Headers, byte[] Body);
}
