using System.Diagnostics;
using Nightshift.Server.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Nightshift.Server.Tests.Telemetry;

public sealed class UnparentedQueryFilterTests
{
    [Fact]
    public void OnStart_DatabaseCommandOutsideAnyTrace_IsNotExported_WhileOneInsideATraceIs()
    {
        using var npgsql = new ActivitySource(UnparentedQueryFilter.NpgsqlSource);
        using var ours = new ActivitySource("Nightshift.Tests.UnparentedQueryFilter");
        var exported = new LockedCollection<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(npgsql.Name, ours.Name)
            .AddProcessor(new UnparentedQueryFilter())
            .AddInMemoryExporter(exported)
            .Build()!;
        var marker = Guid.NewGuid().ToString("N");

        using (var poll = npgsql.StartActivity("poll " + marker))
        {
            poll.ShouldNotBeNull();
        }
        using (var parent = ours.StartActivity("task.run " + marker))
        {
            using var query = npgsql.StartActivity("query " + marker);
        }
        using (var alone = ours.StartActivity("root " + marker))
        {
        }

        var names = exported.Snapshot().Select(a => a.DisplayName).Where(n => n.EndsWith(marker, StringComparison.Ordinal)).ToList();
        names.ShouldBe(["query " + marker, "task.run " + marker, "root " + marker], ignoreOrder: true);
    }
}
