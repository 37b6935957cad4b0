using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using Nightshift.TestKit;

namespace Nightshift.Server.Tests.Outbound.Notifications;

/// <summary>
/// A real SMTP server on 127.0.0.1 that keeps every mail it accepts, or answers each DATA with the reply the test
/// chooses (451, 550…); with a password set it offers AUTH on the plain connection and accepts only that login.
/// </summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly global::SmtpServer.SmtpServer _server;
    private readonly Task _running;

    private SmtpSink(int port, Func<SmtpResponse>? reply, string? username, string? password)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("sink.localhost")
            .Endpoint(endpoint => endpoint
                .Endpoint(new IPEndPoint(IPAddress.Loopback, port))
                .AllowUnsecureAuthentication(password is not null)
                .AuthenticationRequired(password is not null))
            .Build();
        var services = new global::SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this, reply));
        if (password is not null)
        {
            services.Add(new Login(this, username ?? "", password));
        }
        _server = new global::SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>Every mail accepted, with the envelope's recipients (RCPT TO), in arrival order.</summary>
    public ConcurrentQueue<(MimeMessage Message, IReadOnlyList<string> Envelope)> Received { get; } = new();

    /// <summary>The logins tried (user, password), for checking what the client sent.</summary>
    public ConcurrentQueue<(string User, string Password)> Logins { get; } = new();

    public static async Task<SmtpSink> StartAsync(Func<SmtpResponse>? reply = null, string? username = null, string? password = null)
    {
        var sink = new SmtpSink(FreePort(), reply, username, password);
        await TestDefaults.WaitUntilAsync(async () =>
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, sink.Port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, "the SMTP sink listens");
        return sink;
    }

    /// <summary>A loopback port nothing listens on (taken from the system, then let go).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private sealed class Store(SmtpSink sink, Func<SmtpResponse>? reply) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (reply is not null)
            {
                return reply();
            }
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            sink.Received.Enqueue((message, [.. transaction.To.Select(to => $"{to.User}@{to.Host}")]));
            return SmtpResponse.Ok;
        }
    }

    private sealed class Login(SmtpSink sink, string username, string password) : UserAuthenticator
    {
        public override Task<bool> AuthenticateAsync(ISessionContext context, string user, string password1, CancellationToken cancellationToken)
        {
            sink.Logins.Enqueue((user, password1));
            return Task.FromResult(user == username && password1 == password);
        }
    }
}
