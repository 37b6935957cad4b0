using System.Text.RegularExpressions;
using Nightshift.Bench.Fleet.Contracts;
using Nightshift.Core.Events;

namespace Nightshift.Bench.Fleet.Checks;

/// <summary>
/// <c>fenced</c>: nothing a worker wrote after it lost a task's lease was kept. A task's events are split into attempts
/// at each <c>task.started</c> (its <c>worker</c>, <c>machine:pid:slot</c>, names the process, and so the worker label);
/// every model stamp <c>{label}#{n}</c> in a <c>tool.call</c> event (the arguments the model wrote, which carry the
/// file content) must come from the worker of the attempt the event sits in, asked no earlier than that attempt began.
/// And the stamp on the second line of each delivered file must be one the model server gave to the worker that held
/// the task's lease at that moment. (Tool results are not checked: reading a file written in an earlier attempt rightly
/// shows that attempt's stamp.)
/// </summary>
public sealed partial class FencedCheck(IReadOnlyList<ModelCall> calls, IReadOnlyList<WorkerInfo> workers, IReadOnlyDictionary<string, string> remotes)
{
    private readonly Dictionary<string, ModelCall> _stamps = calls
        .GroupBy(c => c.Stamp, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]+#[0-9]+")]
    private static partial Regex StampPattern();

    public async Task<IReadOnlyList<Finding>> RunAsync(IReadOnlyList<FleetTask> tasks, StoreSnapshot store, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        foreach (var task in tasks)
        {
            if (!store.Tasks.TryGetValue(task.Id, out var stored))
            {
                continue;
            }
            var events = store.EventsOf(task.Id);
            var attempts = Attempts.Of(events, workers);
            findings.AddRange(CheckEvents(task, events, attempts));
            if (stored.Status == "succeeded" && stored.Branch is not null && remotes.TryGetValue(task.Spec.Repository, out var remote))
            {
                findings.AddRange(await CheckFilesAsync(task, stored.Branch, new GitRemote(remote), attempts, cancellationToken));
            }
        }
        return findings;
    }

    /// <summary>The stamps the model server gave that appear in a text.</summary>
    public IEnumerable<ModelCall> StampsIn(string text)
    {
        foreach (Match match in StampPattern().Matches(text))
        {
            if (_stamps.TryGetValue(match.Value, out var call))
            {
                yield return call;
            }
        }
    }

    private IEnumerable<Finding> CheckEvents(FleetTask task, IReadOnlyList<StoredEvent> events, IReadOnlyList<Attempt> attempts)
    {
        foreach (var stored in events.Where(e => e.Type == EventTypes.ToolCall))
        {
            var attempt = attempts.LastOrDefault(a => a.StartSeq < stored.Seq);
            foreach (var call in StampsIn(stored.Data))
            {
                if (attempt is null)
                {
                    yield return new Finding(CheckNames.Fenced, $"{Name(task)}: tool.call #{stored.Seq} carries {call.Stamp} but no attempt had started", task.Id);
                }
                else if (attempt.Label != call.Worker)
                {
                    yield return new Finding(CheckNames.Fenced, $"{Name(task)}: tool.call #{stored.Seq} carries {call.Stamp} (from {call.Worker}) inside attempt {attempt.Number}, whose lease {Holder(attempt)} held", task.Id);
                }
                else if (call.At.ToUnixTimeMilliseconds() < attempt.StartedAt)
                {
                    yield return new Finding(CheckNames.Fenced, $"{Name(task)}: tool.call #{stored.Seq} carries {call.Stamp}, asked at {call.At:HH:mm:ss.fff}, before attempt {attempt.Number} began at {Times.Format(attempt.StartedAt)}", task.Id);
                }
            }
        }
    }

    private async Task<IReadOnlyList<Finding>> CheckFilesAsync(FleetTask task, string branch, GitRemote remote, IReadOnlyList<Attempt> attempts, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        foreach (var subtask in task.Spec.Subtasks)
        {
            var file = $"{task.Spec.Marker}-{subtask.Id}.txt";
            var content = await remote.ReadAsync(branch, file, cancellationToken);
            if (content is null)
            {
                continue; // missing files are delivered's to report
            }
            var lines = content.Split('\n');
            var stampLine = lines.Length > 1 ? lines[1].TrimEnd('\r') : "";
            var stamp = stampLine.StartsWith("stamp ", StringComparison.Ordinal) ? stampLine["stamp ".Length..].Trim() : null;
            if (stamp is null || !_stamps.TryGetValue(stamp, out var call))
            {
                findings.Add(new Finding(CheckNames.Fenced, $"{Name(task)}: {file} on {branch} carries no stamp the model server gave (second line '{stampLine}')", task.Id));
                continue;
            }
            var at = call.At.ToUnixTimeMilliseconds();
            var holder = attempts.LastOrDefault(a => a.Holds(at));
            if (holder is null)
            {
                findings.Add(new Finding(CheckNames.Fenced, $"{Name(task)}: {file} was written from {call.Stamp} at {call.At:HH:mm:ss.fff}, when no worker held the task's lease", task.Id));
            }
            else if (holder.Label != call.Worker)
            {
                findings.Add(new Finding(CheckNames.Fenced, $"{Name(task)}: {file} was written from {call.Stamp} (by {call.Worker}) at {call.At:HH:mm:ss.fff}, while {Holder(holder)} held the lease (attempt {holder.Number})", task.Id));
            }
        }
        return findings;
    }

    private static string Holder(Attempt attempt) => attempt.Label ?? $"an unknown process ({attempt.Worker ?? "no worker recorded"})";

    private static string Name(FleetTask task) => $"{task.Spec.Marker} ({task.Id})";
}
