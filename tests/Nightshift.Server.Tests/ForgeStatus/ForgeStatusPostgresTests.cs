using Nightshift.TestKit;
using Nightshift.TestKit.Postgres;

namespace Nightshift.Server.Tests.ForgeStatus;

/// <summary>Two servers of a fleet on one PostgreSQL database: each notice is posted by one of them, once.</summary>
public sealed class ForgeStatusPostgresTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [PostgresFact]
    public async Task ReportOnce_TwoReportersOnOnePostgresStore_PostEachNoticeOnce()
    {
        await using var fixture = await ReporterFixture.StartAsync(await cluster.CreateDatabaseAsync(TestDefaults.TimeoutToken()));
        var other = await fixture.OpenStoreAsync();
        var first = fixture.Reporter();
        var second = fixture.Reporter(other);
        var tasks = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            tasks.Add((await fixture.SubmitAsync(origin: ReporterFixture.Issue(10 + i))).Id);
            await fixture.ClaimAsync();
        }

        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(first.ReportOnceAsync(), second.ReportOnceAsync(), first.ReportOnceAsync(), second.ReportOnceAsync());
        }

        fixture.Forge.Comments.Select(c => c.Thread.Number).Order().ShouldBe([10L, 11L, 12L, 13L]);
        fixture.Forge.Reactions.Count.ShouldBe(4);
        foreach (var id in tasks)
        {
            (await other.ListNoticesAsync(id)).Count.ShouldBe(2);
        }
    }
}
