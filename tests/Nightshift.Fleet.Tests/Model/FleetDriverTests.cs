using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Bench.Fleet.Workload;

namespace Nightshift.Fleet.Tests.Model;

/// <summary>
/// The driver against a small task API on 127.0.0.1 that goes away for a while (503s, a dropped connection) and moves
/// its tasks one step per list read: it submits each task once (idempotency keys), keeps the in-flight bound, approves,
/// cancels and records what ended how.
/// </summary>
public sealed class FleetDriverTests : IAsyncLifetime
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ApiTask> _byKey = new(StringComparer.Ordinal);
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private int _posts;
    private int _lists;
    private int _maxOpen;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task RunAsync_ThroughOutages_SubmitsEachOnce_Approves_Cancels_AndRecordsEndings()
    {
        var specs = FleetWorkload.Generate(seed: 2, count: 10, ["/r/repo-1.git"]);
        var log = new StringWriter();

        var tasks = await new FleetDriver(_http, log).RunAsync(specs, maxInFlight: 3, DateTimeOffset.UtcNow.AddMinutes(2), CancellationToken.None);

        tasks.Select(t => t.Spec.Marker).ShouldBe(specs.Select(s => s.Marker), log.ToString());
        tasks.Select(t => t.Id).Distinct().Count().ShouldBe(10);
        lock (_gate)
        {
            _byKey.Count.ShouldBe(10, "each task was created once, whatever was sent again");
            _posts.ShouldBeGreaterThan(10, "the outage made it send again");
            _maxOpen.ShouldBeLessThanOrEqualTo(3);
        }
        foreach (var task in tasks)
        {
            task.FinalStatus.ShouldBe(task.Spec.Kind == FleetTaskKind.Cancel ? "cancelled" : "succeeded", task.Spec.Marker);
            (task.ApprovedAt is not null).ShouldBe(task.Spec.Kind == FleetTaskKind.Approval);
            (task.CancelRequestedAt is not null).ShouldBe(task.Spec.Kind == FleetTaskKind.Cancel);
        }
        log.ToString().ShouldContain("trying again");
    }

    [Fact]
    public async Task RunAsync_AtTheDeadline_LeavesUnfinishedTasksWithoutAFinalStatus()
    {
        var specs = FleetWorkload.Generate(seed: 2, count: 6, ["/r/repo-1.git"]).Where(s => s.Kind == FleetTaskKind.Approval).ToList();
        lock (_gate)
        {
            _neverApprove = true;
        }

        var tasks = await new FleetDriver(_http, new StringWriter()).RunAsync(specs, 5, DateTimeOffset.UtcNow.AddSeconds(4), CancellationToken.None);

        tasks.ShouldNotBeEmpty();
        tasks.ShouldAllBe(t => t.FinalStatus == null);
    }

    private bool _neverApprove;

    private sealed class ApiTask(string id, string key, bool approval)
    {
        public string Id { get; } = id;

        public string Key { get; } = key;

        public bool Approval { get; } = approval;

        public string Status { get; set; } = "queued";

        public bool Plan { get; set; }

        public bool Approved { get; set; }

        public bool CancelAsked { get; set; }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        if (context.Request.Method == "POST" && path == "/api/v1/tasks")
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var key = body.RootElement.GetProperty("idempotencyKey").GetString()!;
            var approval = body.RootElement.GetProperty("requirePlanApproval").GetBoolean();
            ApiTask task;
            lock (_gate)
            {
                if (++_posts <= 2)
                {
                    context.Response.StatusCode = 503;
                    return;
                }
                if (!_byKey.TryGetValue(key, out task!))
                {
                    task = _byKey[key] = new ApiTask($"t{_byKey.Count + 1}", key, approval);
                }
                _maxOpen = Math.Max(_maxOpen, _byKey.Values.Count(t => t.Status is not ("succeeded" or "cancelled")));
                if (_posts == 4)
                {
                    // The task is stored, but the answer is lost: the driver must send it again and get the same task.
                    context.Abort();
                    return;
                }
            }
            await context.Response.WriteAsJsonAsync(new { id = task.Id, status = task.Status });
            return;
        }
        if (context.Request.Method == "GET" && path == "/api/v1/tasks")
        {
            object[] items;
            lock (_gate)
            {
                if (++_lists == 2)
                {
                    context.Abort();
                    return;
                }
                foreach (var task in _byKey.Values)
                {
                    Advance(task);
                }
                items = [.. _byKey.Values.Select(t => new { id = t.Id, status = t.Status, plan = t.Plan ? "{\"subtasks\":[]}" : null })];
            }
            await context.Response.WriteAsJsonAsync(new { items, nextCursor = (string?)null });
            return;
        }
        var parts = path.Split('/');
        if (context.Request.Method == "POST" && parts.Length == 6 && parts[4] is var id && parts[5] is "approve" or "cancel")
        {
            lock (_gate)
            {
                var task = _byKey.Values.Single(t => t.Id == id);
                if (parts[5] == "approve")
                {
                    task.Approved = true;
                }
                else
                {
                    task.CancelAsked = true;
                }
            }
            await context.Response.WriteAsJsonAsync(new { id });
            return;
        }
        context.Response.StatusCode = 404;
    }

    /// <summary>One step per list read: queued → running with a plan (an approval task waits first) → succeeded, or cancelled when asked.</summary>
    private void Advance(ApiTask task)
    {
        task.Status = task.Status switch
        {
            "queued" when task.Approval && !task.Approved => "awaiting_approval",
            "awaiting_approval" when !task.Approved || _neverApprove => "awaiting_approval",
            "queued" or "awaiting_approval" => "running",
            "running" when task.CancelAsked => "cancelled",
            "running" when !task.Plan => "running",
            "running" when task.Key.Length > 0 && !IsCancelKind(task) => "succeeded",
            _ => task.Status,
        };
        task.Plan |= task.Status == "running";
    }

    private static bool IsCancelKind(ApiTask task) => task.Key is { } key && CancelKeys.Contains(key);

    private static readonly HashSet<string> CancelKeys = [.. FleetWorkload.Generate(2, 10, ["/r/repo-1.git"]).Where(s => s.Kind == FleetTaskKind.Cancel).Select(s => s.Marker)];
}
