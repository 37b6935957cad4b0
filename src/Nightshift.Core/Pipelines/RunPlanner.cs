using System.Globalization;
using System.Text.Json;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;
using Nightshift.Core.Text;

namespace Nightshift.Core.Pipelines;

/// <summary>
/// Decides what a run does next from what is stored, and nothing else: the same function runs after a crash, so a run
/// resumes at its first unfinished step whatever mix of rows it left. No I/O; the coordinator carries the decision out.
/// </summary>
public static class RunPlanner
{
    /// <summary>The step name of a run's pull request task (<see cref="RunStepTask.Step"/>).</summary>
    public const string PullRequestStep = "pull-request";

    private const int MaxQuotedValueChars = 200;
    private const int MaxReasonChars = 2_000;

    public static RunPlan Plan(RunPlanInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var definition = input.Definition;
        var run = input.Run;
        var now = input.Now;
        var rows = new Dictionary<string, RunStepRecord>(StringComparer.Ordinal);
        foreach (var step in definition.Steps)
        {
            rows[step.Name] = input.Steps.FirstOrDefault(r => r.Name == step.Name) ?? new RunStepRecord { RunId = run.Id, Name = step.Name };
        }
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var events = new List<(string Type, string DataJson)>();
        var starts = new List<StepStart>();
        var stepPullRequests = new List<PullRequestPlan>();
        var started = run.State == RunState.Queued;
        if (started)
        {
            events.Add((EventTypes.RunStarted, NightshiftJson.Payload(new RunStartedPayload(run.Pipeline, run.Repo, run.Branch, run.Trigger, run.Inputs))));
        }

        void Set(RunStepRecord row)
        {
            rows[row.Name] = row;
            changed.Add(row.Name);
        }

        // Tasks that ended decide their steps first: a result that arrived is kept even when the run is cancelled.
        foreach (var step in definition.Steps)
        {
            var row = rows[step.Name];
            if (row.State != StepState.Running || row.TaskId is null
                || !input.TaskResults.TryGetValue(step.Name, out var result) || result.TaskId != row.TaskId || !result.State.IsTerminal())
            {
                continue;
            }
            var output = NightshiftJson.IsObject(result.Output) ? result.Output : null;
            if (result.State == TaskState.Succeeded)
            {
                Set(row with { State = StepState.Succeeded, Output = output, Reason = null, FinishedAt = now });
                events.Add((EventTypes.StepSucceeded, NightshiftJson.Payload(new StepFinishedPayload(step.Name, row.TaskId, ToElement(output)))));
                if (definition.PullRequest == PullRequestMode.PerStep && result.Pushed && !run.CancelRequested)
                {
                    stepPullRequests.Add(new PullRequestPlan(
                        $"{PullRequestStep}:{step.Name}",
                        PullRequestText.Title(definition, [.. rows.Values], $"step {step.Name}"),
                        PullRequestText.Body(definition, run, [.. definition.Steps.Select(s => rows[s.Name])]),
                        Draft: false,
                        PublishBranch: $"{run.Branch}--{step.Name}"));
                }
            }
            else
            {
                var reason = Clip(TaskFailureReason(result));
                Set(row with { State = StepState.Failed, Output = output, Reason = reason, FinishedAt = now });
                events.Add((EventTypes.StepFailed, NightshiftJson.Payload(new StepFinishedPayload(
                    step.Name, row.TaskId, ToElement(output), reason, step.OnFailure == FailurePolicy.Continue && !run.CancelRequested ? true : null))));
            }
        }

        if (run.CancelRequested)
        {
            var cancelTasks = new List<string>();
            foreach (var step in definition.Steps)
            {
                var row = rows[step.Name];
                if (row.State.IsFinished())
                {
                    continue;
                }
                if (row.State == StepState.Running && row.TaskId is not null)
                {
                    cancelTasks.Add(row.TaskId);
                }
                Set(row with { State = StepState.Cancelled, Reason = "the run was cancelled", FinishedAt = now });
            }
            // The run's own tasks beyond its steps (the pull request task at its end) are cancelled with it, unless
            // they ended already.
            var own = new List<RunStepRecord>();
            foreach (var row in input.Steps.Where(r => definition.Step(r.Name) is null && r.State == StepState.Running && r.TaskId is not null))
            {
                if (input.TaskResults.TryGetValue(row.Name, out var ended) && ended.TaskId == row.TaskId && ended.State.IsTerminal())
                {
                    own.Add(ended.State == TaskState.Succeeded
                        ? row with { State = StepState.Succeeded, Reason = null, FinishedAt = now }
                        : row with { State = StepState.Failed, Reason = Clip(TaskFailureReason(ended)), FinishedAt = now });
                    continue;
                }
                cancelTasks.Add(row.TaskId!);
                own.Add(row with { State = StepState.Cancelled, Reason = "the run was cancelled", FinishedAt = now });
            }
            var cancelled = Ending(RunState.Cancelled, "the run was cancelled on request", rows.Values);
            events.Add(FinishedEvent(cancelled, null));
            return new RunPlan
            {
                State = RunState.Cancelled,
                Started = started,
                Steps = [.. definition.Steps.Where(s => changed.Contains(s.Name)).Select(s => rows[s.Name]), .. own],
                Events = events,
                CancelTasks = cancelTasks,
                Ending = cancelled,
            };
        }

        var inputs = Inputs(definition, run);
        var progressed = true;
        while (progressed)
        {
            progressed = false;
            var stoppedBy = StoppedBy(definition, rows);
            if (stoppedBy is not null)
            {
                foreach (var step in definition.Steps)
                {
                    var row = rows[step.Name];
                    if (row.State is StepState.Pending or StepState.AwaitingApproval)
                    {
                        var reason = $"the run stopped after step {stoppedBy} failed";
                        Set(row with { State = StepState.Skipped, Reason = reason, FinishedAt = now });
                        events.Add((EventTypes.StepSkipped, NightshiftJson.Payload(new StepSkippedPayload(step.Name, reason))));
                    }
                }
                break;
            }

            foreach (var step in definition.Steps)
            {
                var row = rows[step.Name];
                if (row.State != StepState.Pending || !step.DependsOn.All(d => rows.TryGetValue(d, out var dep) && dep.State.IsFinished()))
                {
                    continue;
                }
                var values = Values(inputs, rows);
                if (step.Condition is { } conditionText)
                {
                    bool holds;
                    PipelineCondition condition;
                    try
                    {
                        condition = PipelineCondition.Parse(conditionText);
                        holds = condition.Evaluate(values);
                    }
                    catch (PipelineExpressionException e)
                    {
                        Fail(step, row, Clip($"its condition `{conditionText}` could not be evaluated: {e.Message}"));
                        progressed = true;
                        break;
                    }
                    if (!holds)
                    {
                        var reason = Clip($"condition `{conditionText}` is false ({Quote(condition.References, values)})");
                        Set(row with { State = StepState.Skipped, Reason = reason, FinishedAt = now });
                        events.Add((EventTypes.StepSkipped, NightshiftJson.Payload(new StepSkippedPayload(step.Name, reason))));
                        progressed = true;
                        continue;
                    }
                }
                if (step.RequiresApproval && row.DecidedBy is null)
                {
                    Set(row with { State = StepState.AwaitingApproval });
                    events.Add((EventTypes.StepAwaitingApproval, NightshiftJson.Payload(new StepAwaitingApprovalPayload(step.Name))));
                    continue;
                }
                StepStart start;
                try
                {
                    start = Start(definition, run, step, values);
                }
                catch (PipelineExpressionException e)
                {
                    Fail(step, row, Clip($"its {(step.Kind == PipelineStepKind.Agent ? "instruction" : "command")} could not be filled in: {e.Message}"));
                    progressed = true;
                    break;
                }
                // The coordinator records the row running with its task once the task is submitted.
                rows[step.Name] = row with { State = StepState.Running, StartedAt = now, Reason = null };
                starts.Add(start);
            }
        }

        void Fail(PipelineStep step, RunStepRecord row, string reason)
        {
            Set(row with { State = StepState.Failed, Reason = reason, FinishedAt = now });
            events.Add((EventTypes.StepFailed, NightshiftJson.Payload(new StepFinishedPayload(
                step.Name, Reason: reason, Continued: step.OnFailure == FailurePolicy.Continue ? true : null))));
        }

        var plan = new RunPlan
        {
            Started = started,
            Steps = [.. definition.Steps.Where(s => changed.Contains(s.Name)).Select(s => rows[s.Name])],
            Events = events,
            Starts = starts,
            StepPullRequests = stepPullRequests,
        };
        if (rows.Values.Any(r => r.State == StepState.Running))
        {
            return plan with { State = RunState.Running };
        }
        if (rows.Values.Any(r => r.State == StepState.AwaitingApproval))
        {
            return plan with { State = RunState.AwaitingApproval };
        }
        if (rows.Values.FirstOrDefault(r => !r.State.IsFinished()) is { } stuck)
        {
            // Only a definition that is not a valid graph gets here (validation refuses those); end rather than wait forever.
            var ending = Ending(RunState.Failed, $"step {stuck.Name} can never start: it depends on a step that is not in the pipeline; fix the definition", rows.Values);
            return plan with { State = RunState.Failed, Ending = ending, Events = [.. events, FinishedEvent(ending, null)] };
        }

        var stopper = StoppedBy(definition, rows);
        RunEnding end;
        if (stopper is not null)
        {
            end = Ending(RunState.Failed, Clip($"step {stopper} failed: {rows[stopper].Reason}"), rows.Values);
        }
        else if (definition.Steps.FirstOrDefault(s => rows[s.Name].State == StepState.Failed) is { } failed)
        {
            var count = rows.Values.Count(r => r.State == StepState.Failed);
            end = Ending(
                RunState.NeedsReview,
                Clip($"{(count == 1 ? $"step {failed.Name}" : $"{count} steps")} failed and the run went on (on_failure: continue): {failed.Name}: {rows[failed.Name].Reason}"),
                rows.Values);
        }
        else
        {
            end = Ending(RunState.Succeeded, null, rows.Values);
        }

        var pushed = definition.Steps.Any(s => rows[s.Name].State is StepState.Succeeded or StepState.Failed
            && input.TaskResults.TryGetValue(s.Name, out var r) && r.TaskId == rows[s.Name].TaskId && r.Pushed);
        if (end.State != RunState.Failed && definition.PullRequest == PullRequestMode.End && pushed)
        {
            var ordered = definition.Steps.Select(s => rows[s.Name]).ToList();
            return plan with
            {
                State = RunState.Running,
                Ending = end,
                PullRequest = new PullRequestPlan(
                    PullRequestStep,
                    PullRequestText.Title(definition, ordered),
                    PullRequestText.Body(definition, run, ordered),
                    Draft: end.State == RunState.NeedsReview),
            };
        }
        return plan with { State = end.State, Ending = end, Events = [.. events, FinishedEvent(end, null)] };
    }

    /// <summary>The final event of a run that ends as <paramref name="ending"/> says, with its pull request if it opened one.</summary>
    public static (string Type, string DataJson) FinishedEvent(RunEnding ending, string? pullRequest)
    {
        ArgumentNullException.ThrowIfNull(ending);
        var type = ending.State switch
        {
            RunState.Succeeded => EventTypes.RunSucceeded,
            RunState.NeedsReview => EventTypes.RunNeedsReview,
            RunState.Cancelled => EventTypes.RunCancelled,
            _ => EventTypes.RunFailed,
        };
        return (type, NightshiftJson.Payload(new RunFinishedPayload(ending.Reason, pullRequest, ending.Succeeded, ending.Failed, ending.Skipped)));
    }

    /// <summary>The run's inputs over the definition's defaults.</summary>
    public static IReadOnlyDictionary<string, string> Inputs(PipelineDefinition definition, RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(run);
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var declared in definition.Inputs)
        {
            if (declared.Default is not null)
            {
                inputs[declared.Name] = declared.Default;
            }
        }
        foreach (var (name, value) in run.Inputs)
        {
            inputs[name] = value;
        }
        return inputs;
    }

    private static StepStart Start(PipelineDefinition definition, RunRecord run, PipelineStep step, PipelineValues values)
    {
        var timeout = step.Timeout is { } t ? (int?)Math.Max(1, (int)Math.Min(int.MaxValue, Math.Ceiling(t.TotalSeconds))) : null;
        if (step.Kind == PipelineStepKind.Agent)
        {
            var instruction = PipelineTemplate.Parse(step.Instruction ?? "").Render(values).Trim();
            if (instruction.Length == 0)
            {
                throw new PipelineExpressionException("the instruction is empty once filled in; give the step an instruction that says what to do");
            }
            if (instruction.Length > NewTask.MaxInstructionLength)
            {
                throw new PipelineExpressionException($"the instruction is {instruction.Length} characters long once filled in; at most {NewTask.MaxInstructionLength} are accepted — pass less text from the steps before");
            }
            var title = step.Title is { } given ? SafeText.Clean(given, NewTask.MaxTitleLength) : NewTask.DeriveTitle(instruction);
            return new StepStart(step.Name, step.Kind, instruction, title, step.Model, new RunStepTask
            {
                RunId = run.Id,
                Step = step.Name,
                Kind = RunTaskKind.Agent,
                Branch = run.Branch,
                TimeoutSeconds = timeout,
                MaxCostUsd = step.MaxCostUsd,
            });
        }
        var command = PipelineTemplate.Parse(step.Run ?? "").RenderShell(values);
        if (command.Script.Length > PipelineStep.MaxCommandLength * 4)
        {
            throw new PipelineExpressionException($"the command is {command.Script.Length} characters long once filled in; at most {PipelineStep.MaxCommandLength * 4} are accepted");
        }
        var commandTitle = SafeText.Clean($"{definition.Name}: {step.Name}", NewTask.MaxTitleLength);
        return new StepStart(step.Name, step.Kind, $"Run the command of pipeline step {step.Name}: {step.Run}", commandTitle, null, new RunStepTask
        {
            RunId = run.Id,
            Step = step.Name,
            Kind = RunTaskKind.Command,
            Branch = run.Branch,
            Script = command.Script,
            Environment = command.Environment,
            TimeoutSeconds = timeout,
        });
    }

    private static string? StoppedBy(PipelineDefinition definition, Dictionary<string, RunStepRecord> rows) =>
        definition.Steps.FirstOrDefault(s => s.OnFailure == FailurePolicy.Stop && rows[s.Name].State == StepState.Failed)?.Name;

    private static string TaskFailureReason(StepTaskResult result)
    {
        var why = string.IsNullOrWhiteSpace(result.Reason) ? null : SafeText.Clean(result.Reason, MaxReasonChars);
        return result.State switch
        {
            TaskState.NeedsReview => $"the change was not verified: {why ?? "its task ended needs_review"}",
            TaskState.TimedOut => $"its task timed out{(why is null ? "" : $": {why}")}",
            TaskState.Cancelled => $"its task was cancelled{(why is null ? "" : $": {why}")}",
            TaskState.Dead => $"every attempt of its task failed{(why is null ? "" : $": {why}")}",
            _ => why ?? "its task failed without saying why; see the task's events",
        };
    }

    private static PipelineValues Values(IReadOnlyDictionary<string, string> inputs, Dictionary<string, RunStepRecord> rows)
    {
        var steps = new Dictionary<string, StepValues>(StringComparer.Ordinal);
        foreach (var row in rows.Values)
        {
            if (row.State.IsFinished())
            {
                steps[row.Name] = new StepValues(row.State.ToWire(), ToElement(row.Output));
            }
        }
        return new PipelineValues(inputs, steps);
    }

    private static JsonElement? ToElement(string? json)
    {
        if (!NightshiftJson.IsObject(json))
        {
            return null;
        }
        using var document = JsonDocument.Parse(json!);
        return document.RootElement.Clone();
    }

    /// <summary>"steps.lint.output.error_count = 0, inputs.x = 'a'": what each reference of a condition saw.</summary>
    private static string Quote(IReadOnlyList<PipelineReference> references, PipelineValues values)
    {
        var seen = new List<string>();
        foreach (var reference in references.DistinctBy(r => r.ToString()))
        {
            seen.Add($"{reference} = {Describe(Resolve(reference, values))}");
        }
        return seen.Count == 0 ? "it refers to no value" : string.Join(", ", seen);
    }

    private static object? Resolve(PipelineReference reference, PipelineValues values)
    {
        if (reference.Root == "inputs")
        {
            return values.Inputs.TryGetValue(reference.Name, out var input) ? input : null;
        }
        if (!values.Steps.TryGetValue(reference.Name, out var step) || reference.Path.Count == 0)
        {
            return null;
        }
        if (reference.Path[0] == "status")
        {
            return step.Status;
        }
        if (reference.Path[0] != "output" || step.Output is not { } element)
        {
            return null;
        }
        foreach (var key in reference.Path.Skip(1))
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out var property))
            {
                element = property;
            }
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < element.GetArrayLength())
            {
                element = element[index];
            }
            else
            {
                return null;
            }
        }
        return element;
    }

    private static string Describe(object? value) => value switch
    {
        null => "(missing)",
        string text => $"'{SafeText.Clean(text, MaxQuotedValueChars)}'",
        JsonElement { ValueKind: JsonValueKind.String } element => $"'{SafeText.Clean(element.GetString(), MaxQuotedValueChars)}'",
        JsonElement element => SafeText.Clean(element.GetRawText(), MaxQuotedValueChars),
        _ => SafeText.Clean(value.ToString(), MaxQuotedValueChars),
    };

    private static RunEnding Ending(RunState state, string? reason, IEnumerable<RunStepRecord> rows)
    {
        var list = rows.ToList();
        return new RunEnding(
            state,
            reason,
            list.Count(r => r.State == StepState.Succeeded),
            list.Count(r => r.State == StepState.Failed),
            list.Count(r => r.State == StepState.Skipped));
    }

    private static string Clip(string text) => SafeText.Clean(text, MaxReasonChars);
}
