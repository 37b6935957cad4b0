using System.Text;
using Nightshift.Agent.Tools;

namespace Nightshift.Agent.Verification;

/// <summary>
/// Runs the verification commands in the sandbox, outside the model's control: first a baseline on the untouched
/// base, later after every round of the agent's work, and judges each run against the baseline.
/// </summary>
public sealed class Verifier(ICommandRunner commands, IReadOnlyList<string> verificationCommands, TimeSpan commandTimeout)
{
    private Dictionary<string, CommandCheck>? _baseline;

    public IReadOnlyList<string> Commands { get; } = verificationCommands;

    /// <summary>Runs the commands on the untouched worktree and remembers what already failed.</summary>
    public async Task<IReadOnlyList<CommandCheck>> BaselineAsync(CancellationToken cancellationToken = default)
    {
        var checks = await RunAllAsync(cancellationToken);
        _baseline = checks.ToDictionary(c => c.Command, StringComparer.Ordinal);
        return checks;
    }

    /// <summary>Takes a baseline run earlier (by an earlier attempt, from its checkpoint) instead of running it again.</summary>
    public void UseBaseline(IEnumerable<CommandCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        _baseline = checks.ToDictionary(c => c.Command, StringComparer.Ordinal);
    }

    public async Task<VerificationResult> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var checks = await RunAllAsync(cancellationToken);
        var newFailures = new HashSet<string>(StringComparer.Ordinal);
        var preExisting = new HashSet<string>(StringComparer.Ordinal);
        var passed = true;
        foreach (var check in checks.Where(c => !c.Passed))
        {
            var before = _baseline?.GetValueOrDefault(check.Command);
            var known = before is { Passed: false } ? before.FailingTests : new HashSet<string>();
            var fresh = check.FailingTests.Where(t => !known.Contains(t)).ToList();
            preExisting.UnionWith(check.FailingTests.Where(known.Contains));
            newFailures.UnionWith(fresh);
            // Only a failure fully explained by named tests that already failed at baseline is forgiven.
            var explained = !check.TimedOut && check.FailingTests.Count > 0 && fresh.Count == 0;
            if (!explained)
            {
                passed = false;
                if (fresh.Count == 0 && check.FailingTests.Count == 0)
                {
                    newFailures.Add($"`{check.Command}` exited with {check.ExitCode}{(check.TimedOut ? " (timed out)" : "")}");
                }
            }
        }
        return new VerificationResult(passed, checks, newFailures, preExisting, Summarize(checks, passed, newFailures, preExisting));
    }

    /// <summary>A compact account for the model: what failed, then the head and tail of each failing command's output.</summary>
    public static string Feedback(VerificationResult result, int maxChars = 6_000)
    {
        var text = new StringBuilder("Verification failed. Fix the cause (not the tests' expectations unless they are wrong), then call finish again.\n");
        if (result.NewFailures.Count > 0)
        {
            text.Append("Failing: ").Append(string.Join(", ", result.NewFailures.Take(20))).Append('\n');
        }
        if (result.PreExistingFailures.Count > 0)
        {
            text.Append("Already failing before your change, and still failing: ")
                .Append(string.Join(", ", result.PreExistingFailures.Take(20)))
                .Append(" (fix them if your task covers them; otherwise name them in finish's out_of_scope with the reason)\n");
        }
        AppendOutputs(text, result, maxChars);
        return text.ToString();
    }

    /// <summary>
    /// The one message about tests that failed on the base and still fail after the agent's change: they are not
    /// blamed on it, but the change is not called a success until they pass or are declared out of scope.
    /// </summary>
    public static string PreExistingFeedback(VerificationResult result, IReadOnlyCollection<string> tests, int maxChars = 6_000)
    {
        var text = new StringBuilder("These tests failed before your change and still fail: ")
            .Append(string.Join(", ", tests.Take(20))).Append(tests.Count > 20 ? $" and {tests.Count - 20} more" : "").Append(".\n")
            .Append("Fix them if your task covers them. If a test is outside your task, call finish with out_of_scope listing each such test ")
            .Append("and the reason it is out of scope, e.g. {\"summary\": \"...\", \"out_of_scope\": [{\"test\": \"<name>\", \"reason\": \"<why>\"}]}.\n")
            .Append("Without one or the other the change goes out as a draft for review.\n");
        AppendOutputs(text, result, maxChars);
        return text.ToString();
    }

    private static void AppendOutputs(StringBuilder text, VerificationResult result, int maxChars)
    {
        var failing = result.Checks.Where(c => !c.Passed).ToList();
        var share = Math.Max(1_000, maxChars / Math.Max(1, failing.Count));
        foreach (var check in failing)
        {
            text.Append("\n$ ").Append(check.Command).Append($"  → exit {check.ExitCode}{(check.TimedOut ? ", timed out" : "")}\n")
                .Append(OutputText.Cap(check.Output.Trim(), share)).Append('\n');
        }
    }

    private async Task<List<CommandCheck>> RunAllAsync(CancellationToken cancellationToken)
    {
        var checks = new List<CommandCheck>();
        foreach (var command in Commands)
        {
            var outcome = await commands.RunAsync(command, commandTimeout, cancellationToken);
            checks.Add(new CommandCheck(command, outcome.ExitCode, outcome.TimedOut, outcome.Output, FailingTests.Parse(outcome.Output), outcome.Duration));
        }
        return checks;
    }

    private static string Summarize(IReadOnlyList<CommandCheck> checks, bool passed, IReadOnlySet<string> fresh, IReadOnlySet<string> old)
    {
        if (checks.Count == 0)
        {
            return "no verification commands were found (add test commands to .nightshift.yml)";
        }
        var verdict = !passed ? "failed" : old.Count > 0 ? "found no new failures" : "passed";
        var detail = fresh.Count > 0 ? $"; failing: {string.Join(", ", fresh.Take(5))}{(fresh.Count > 5 ? ", …" : "")}" : "";
        var known = old.Count > 0 ? $"; {old.Count} test(s) that failed on the base branch still fail: {string.Join(", ", old.Take(5))}{(old.Count > 5 ? ", …" : "")}" : "";
        return $"verification {verdict} ({string.Join(", ", checks.Select(c => $"`{c.Command}` {(c.Passed ? "ok" : "failed")}"))}){detail}{known}";
    }
}
