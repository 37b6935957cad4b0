using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Server.Hosting;
using Nightshift.Server.Outbound;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Tests.Outbound.Notifications;

/// <summary>
/// The real server's services, built (not started) on a settings file in a fresh data folder, so a sender comes with
/// the same outbound HTTP client, SSRF guard and settings it gets in production. Loopback receivers are let through
/// by <c>Outbound:AllowedHosts</c>.
/// </summary>
internal sealed class SenderHost : IDisposable
{
    private readonly TempDirectory _data = new();
    private readonly WebApplication _app;

    public SenderHost(object? settings = null, TimeSpan? outboundTimeout = null)
    {
        var merged = new Dictionary<string, object?>
        {
            ["Outbound"] = outboundTimeout is { } timeout
                ? new { AllowedHosts = new[] { "127.0.0.1" }, Timeout = timeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture) }
                : new { AllowedHosts = new[] { "127.0.0.1" } },
        };
        if (settings is not null)
        {
            merged["Notifications"] = settings;
        }
        File.WriteAllText(Path.Combine(_data.Path, "appsettings.json"), JsonSerializer.Serialize(merged));
        _app = NightshiftHost.BuildServer(new NightshiftServerOptions
        {
            DataDirectory = _data.Path,
            Urls = ["http://127.0.0.1:0"],
            RunWorker = false,
            WriteConsoleMessages = false,
        });
    }

    public IServiceProvider Services => _app.Services;

    public IOutboundSender Sender(OutboundChannel channel) =>
        _app.Services.GetServices<IOutboundSender>().Single(s => s.Channel == channel);

    public void Dispose()
    {
        ((IDisposable)_app).Dispose();
        _data.Dispose();
    }
}
