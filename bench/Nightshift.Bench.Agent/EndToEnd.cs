using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nightshift.Core.Tasks;
using Nightshift.Server.Hosting;
using Nightshift.Storage;
using Nightshift.TestKit.Git;
using Nightshift.TestKit.Models;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Bench.Agent;

/// <summary>
/// Whole tasks per minute through the real worker: queue → worktree → baseline `node --test` in the sandbox → agent
/// (a zero-latency scripted model over the OpenAI protocol on 127.0.0.1: one edit, then finish) → verification in
/// the sandbox → commit, push to a bare repository, local pull request. With one worker slot as the baseline, then two.
/// </summary>
internal static class EndToEnd
{
    public static async Task RunAsync(int tasks)
    {
        using var repo = TempGitRepo.Create();
        repo.Commit("start",
            ("answer.mjs", "export const answer = 41;\n"),
            ("answer.test.mjs", "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { answer } from './answer.mjs';\n\ntest('the answer', () => assert.equal(answer, 42));\n"),
            (".nightshift.yml", "test:\n  - node --test\n"));
        repo.Git("push", "-q", "origin", "main");

        await using var model = await ScriptedModelServer.StartAsync();
        model.When(r => r.Contains("\"submit_plan\"") && !r.Contains("\"edit_file\""), ScriptedReply.ToolCall("submit_plan", new
        {
            subtasks = new[] { new { id = "fix", title = "Fix", description = "Fix the answer", depends_on = Array.Empty<string>(), priority = 0, files = new[] { "answer.mjs" }, acceptance = new[] { "tests pass" } } },
        }));
        model.When(r => !r.Messages.Any(m => m.TryGetProperty("role", out var role) && role.GetString() == "assistant"),
            ScriptedReply.ToolCall("edit_file", new { path = "answer.mjs", old_string = "41", new_string = "42" }).WithUsage(3_000, 80));
        model.Fallback = ScriptedReply.ToolCall("finish", new { summary = "Set the answer to 42" }).WithUsage(3_200, 20);
        Environment.SetEnvironmentVariable("NIGHTSHIFT_MODEL", "openai/gpt-4.1");
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", "sk-bench");
        Environment.SetEnvironmentVariable("OPENAI_BASE_URL", model.OpenAIBaseUri.ToString());

        Console.WriteLine($"end to end: {tasks} tasks per run, each = worktree + baseline + agent (2 model calls) + verify + commit + push + PR, on {Environment.ProcessorCount} cores");
        double? baseline = null;
        foreach (var slots in new[] { 1, 2 })
        {
            var perMinute = await MeasureAsync(repo, slots, tasks);
            baseline ??= perMinute;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {slots} worker slot(s): {perMinute,6:0.0} tasks/min  (ratio to 1 slot: {perMinute / baseline.Value:0.00}x)"));
        }
    }

    private static async Task<double> MeasureAsync(TempGitRepo repo, int slots, int tasks)
    {
        var data = Directory.CreateTempSubdirectory("ns-bench-e2e-").FullName;
        try
        {
            var options = new NightshiftServerOptions
            {
                DataDirectory = data,
                WorkerSlots = slots,
                RunWorker = true,
                WriteConsoleMessages = false,
                PollInterval = TimeSpan.FromMilliseconds(200),
            };
            using var host = NightshiftHost.BuildWorker(options, services =>
            {
                services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Error));
                services.PostConfigure<RepositoryOptions>(o => o.AllowedRoots.Add(repo.Root));
            });
            await host.StartAsync();
            var store = host.Services.GetRequiredService<INightshiftStore>();

            // One warm-up task makes the mirror and loads the code paths, as a long-running worker would have.
            await RunAllAsync(store, repo, 1);
            var started = Stopwatch.GetTimestamp();
            var finished = await RunAllAsync(store, repo, tasks);
            var elapsed = Stopwatch.GetElapsedTime(started);
            await host.StopAsync();

            var failed = finished.Where(t => t.Status != TaskState.Succeeded).ToList();
            if (failed.Count > 0)
            {
                throw new InvalidOperationException($"{failed.Count} task(s) did not succeed; first: {failed[0].Status.ToWire()} {failed[0].LastError}");
            }
            var durations = finished.Select(t => (t.FinishedAt!.Value - t.StartedAt!.Value).TotalMilliseconds).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {slots} slot(s): {tasks} tasks in {elapsed.TotalSeconds:0.0} s; per task started→finished p50 {durations[durations.Count / 2]:0} ms, max {durations[^1]:0} ms"));
            return tasks / elapsed.TotalMinutes;
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<List<TaskRecord>> RunAllAsync(INightshiftStore store, TempGitRepo repo, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var submitted = await store.SubmitAsync(new NewTask { Repo = repo.RemotePath, Instruction = $"Make the answer 42 (run {i})", Source = "bench" });
            ids.Add(submitted.Task.Id);
        }
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 600);
        while (true)
        {
            var records = new List<TaskRecord>();
            foreach (var id in ids)
            {
                records.Add(await store.FindAsync(id) ?? throw new InvalidOperationException($"task {id} vanished"));
            }
            if (records.All(r => r.Status.IsTerminal()))
            {
                return records;
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException("tasks did not finish within 10 minutes");
            }
            await Task.Delay(50);
        }
    }
}
