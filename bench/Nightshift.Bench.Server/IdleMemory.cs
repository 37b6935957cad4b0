using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Server.Hosting;

namespace Nightshift.Bench.Server;

/// <summary>Resident memory of an idle Nightshift server next to an empty ASP.NET Core app, each in its own process.</summary>
internal static class IdleMemory
{
    private const string Marker = "working-set-bytes: ";

    public static async Task RunAsync()
    {
        var data = Path.Combine(Path.GetTempPath(), "ns-bench-idle-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var baseline = await MeasureAsync("--idle-baseline");
            var server = await MeasureAsync("--idle-server", data);
            Console.WriteLine("Idle resident memory (Process.WorkingSet64 after start, one request and a full GC):");
            Console.WriteLine($"  empty ASP.NET Core app : {baseline / 1048576.0,7:0.0} MiB");
            Console.WriteLine($"  Nightshift server      : {server / 1048576.0,7:0.0} MiB  ({(double)server / baseline:0.00}x the empty app; API + worker + store)");
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    public static async Task<int> RunIdleServerAsync(string data)
    {
        var app = NightshiftHost.BuildServer(
            new NightshiftServerOptions { DataDirectory = data, Urls = ["http://127.0.0.1:0"], WriteConsoleMessages = false },
            s => s.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)));
        await app.StartAsync();
        var url = app.Services.GetRequiredService<ServerInfoPublisher>().Url!;
        await ReportAsync(url + "/health");
        await app.StopAsync();
        return 0;
    }

    public static async Task<int> RunIdleBaselineAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        await app.StartAsync();
        await ReportAsync(app.Urls.First() + "/health");
        await app.StopAsync();
        return 0;
    }

    private static async Task ReportAsync(string healthUrl)
    {
        using (var client = new HttpClient())
        {
            (await client.GetAsync(healthUrl)).EnsureSuccessStatusCode();
        }
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine(Marker + self.WorkingSet64);
    }

    private static async Task<long> MeasureAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(IdleMemory).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal))
            ?? throw new InvalidOperationException("the child printed no measurement:\n" + output);
        return long.Parse(line[Marker.Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
