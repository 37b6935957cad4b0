using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Pipelines;
using Nightshift.Server.Pipelines.Api;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Pipelines;

namespace Nightshift.Server.Tests.Pipelines;

/// <summary>
/// A running server for the pipeline routes, with the coordinator switched off (Pipelines:Enabled false) so a run stays
/// where a test puts it; tests move runs the way the coordinator would, through a lease and <see cref="IPipelineStore.ApplyAsync"/>.
/// </summary>
internal static class PipelineApiServer
{
    public const string Repo = "https://github.com/example/app";

    /// <summary>lint → fix (if lint found errors) → test (after approval); one required input, one with a default.</summary>
    public const string LintFixTest = """
        name: lint-fix-test
        description: Lint, fix what lint finds, test
        repo: https://github.com/example/app
        inputs:
          package: { description: what to update, required: true }
          level: { default: strict }
        steps:
          lint:
            run: ./lint.sh {{ inputs.level }}
          fix:
            depends_on: [lint]
            condition: steps.lint.output.error_count > 0
            instruction: "Fix these lint errors in {{ inputs.package }}: {{steps.lint.output.errors}}"
            on_failure: continue
          test:
            depends_on: [fix]
            run: npm test
            requires_approval: true
        """;

    public static async Task<RunningServer> StartAsync(TempDirectory data)
    {
        await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"), """{"Pipelines": {"Enabled": false}}""");
        return await RunningServer.StartAsync(
            dataDirectory: data.Path,
            services: s => s.Configure<PipelineApiOptions>(o => o.EventPollInterval = TimeSpan.FromMilliseconds(20)));
    }

    public static IPipelineStore Pipelines(this RunningServer server) => server.Store;

    public static async Task<HttpResponseMessage> RegisterAsync(HttpClient client, string yaml) =>
        await client.PostAsJsonAsync("/api/v1/pipelines", new { yaml });

    public static async Task<JsonElement> StartRunAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/runs", body);
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBeOneOf([200, 201], text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Takes the run as a coordinator would and applies <paramref name="change"/> under that lease, then lets it go.</summary>
    public static async Task<IReadOnlyList<RunEvent>> ApplyAsync(RunningServer server, string runId, RunChange change)
    {
        var store = server.Pipelines();
        RunLease? lease = null;
        await TestKit.TestDefaults.WaitUntilAsync(
            async () =>
            {
                foreach (var claimed in await store.ClaimRunsAsync("test-coordinator", TimeSpan.FromMinutes(1), 100))
                {
                    if (claimed.RunId == runId)
                    {
                        lease = claimed;
                    }
                    else
                    {
                        await store.ReleaseRunAsync(claimed, DateTimeOffset.UtcNow);
                    }
                }
                return lease is not null;
            },
            $"run {runId} is claimed");
        var events = await store.ApplyAsync(lease!, change);
        await store.ReleaseRunAsync(lease!, DateTimeOffset.UtcNow);
        return events;
    }

    public static RunStepRecord Step(string runId, string name, StepState state, string? output = null, string? reason = null) =>
        new() { RunId = runId, Name = name, State = state, Output = output, Reason = reason };

    public static (string Type, string DataJson) Event(string type, object data) =>
        (type, JsonSerializer.Serialize(data, Core.Serialization.NightshiftJson.Options));
}
