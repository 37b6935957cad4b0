using System.Globalization;
using System.Text.RegularExpressions;
using Cronos;
using Nightshift.Core.Tasks;

namespace Nightshift.Core.Pipelines;

/// <summary>
/// Turns a read YAML tree into a <see cref="PipelineDefinition"/>, adding a problem (with its line and a way to fix it)
/// for everything wrong instead of stopping at the first.
/// </summary>
internal sealed partial class PipelineValidator(string file, List<PipelineProblem> problems)
{
    public const int MaxDescriptionLength = 2_000;

    private static readonly string[] TopKeys = ["name", "description", "repo", "base_branch", "pull_request", "schedule", "inputs", "steps"];
    private static readonly string[] StepKeys = ["kind", "instruction", "run", "title", "model", "max_cost_usd", "depends_on", "condition", "requires_approval", "on_failure", "timeout"];
    private static readonly string[] AgentOnlyKeys = ["title", "model", "max_cost_usd"];
    private static readonly string[] InputKeys = ["description", "required", "default"];
    private static readonly string[] ScheduleKeys = ["cron", "time_zone", "inputs"];
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(24);

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex TimeZonePattern();

    [GeneratedRegex("^(?:([0-9]{1,5})h)?(?:([0-9]{1,7})m)?(?:([0-9]{1,9})s)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    public PipelineDefinition? Validate(YamlNode root)
    {
        if (root.Kind != YamlNodeKind.Mapping)
        {
            Add(root, $"a pipeline file is a mapping of keys ({string.Join(", ", TopKeys)}) to values, not {Shape(root)}");
            return null;
        }
        var keys = Keys(root, TopKeys, "the pipeline");
        var name = Name(keys, root);
        var description = Text(keys, "description", MaxDescriptionLength);
        var repo = Text(keys, "repo", NewTask.MaxRepoLength, singleLine: true);
        var baseBranch = Text(keys, "base_branch", NewTask.MaxBranchLength, singleLine: true);
        if (baseBranch is not null && !NewTask.IsSafeBranchName(baseBranch))
        {
            Add(keys["base_branch"].Value, $"'{Clip(baseBranch)}' is not a usable branch name: use letters, digits and . _ - /, not starting with '-' or '/', without '..'");
        }
        var pullRequest = Choice(keys, "pull_request", PullRequestMode.End,
            ("end", PullRequestMode.End), ("per_step", PullRequestMode.PerStep), ("none", PullRequestMode.None));
        var inputs = keys.TryGetValue("inputs", out var inputsEntry) ? Inputs(inputsEntry.Value) : [];
        var steps = keys.TryGetValue("steps", out var stepsEntry) ? Steps(stepsEntry.Value, inputs) : null;
        if (stepsEntry.Key is null)
        {
            Add(root, "the pipeline has no 'steps:'; add at least one step, e.g. steps: { test: { run: make test } }");
        }
        var schedule = keys.TryGetValue("schedule", out var scheduleEntry) ? Schedule(scheduleEntry, inputs, repo) : null;
        if (name is null || steps is null || problems.Count > 0)
        {
            return null;
        }
        return new PipelineDefinition
        {
            Name = name,
            Description = description,
            Repo = repo,
            BaseBranch = baseBranch,
            PullRequest = pullRequest,
            Inputs = inputs,
            Steps = steps,
            Schedule = schedule,
        };
    }

    private string? Name(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> keys, YamlNode root)
    {
        if (!keys.TryGetValue("name", out var entry))
        {
            Add(root, "the pipeline has no 'name:'; add one such as name: lint-fix-test");
            return null;
        }
        var name = Text(keys, "name", 64, singleLine: true);
        if (name is null)
        {
            Add(entry.Value, "'name' is empty; give the pipeline a name such as lint-fix-test");
            return null;
        }
        return CheckName(name, entry.Value, "the pipeline's name") ? name : null;
    }

    private List<PipelineInput> Inputs(YamlNode node)
    {
        var inputs = new List<PipelineInput>();
        if (node.IsNull)
        {
            return inputs;
        }
        if (node.Kind != YamlNodeKind.Mapping)
        {
            Add(node, $"'inputs' is a mapping of input names to {{ description, required, default }} (or nothing), not {Shape(node)}");
            return inputs;
        }
        if (node.Entries.Count > PipelineDefinition.MaxInputs)
        {
            Add(node, $"the pipeline declares {node.Entries.Count} inputs; at most {PipelineDefinition.MaxInputs} are allowed");
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in node.Entries)
        {
            if (!ScalarKey(keyNode, "an input's name"))
            {
                continue;
            }
            var name = keyNode.Value;
            if (seen.TryGetValue(name, out var firstLine))
            {
                Add(keyNode, $"input '{Clip(name)}' is declared twice (first on line {firstLine}); keep one");
                continue;
            }
            seen[name] = keyNode.Line;
            var nameOk = CheckName(name, keyNode, "an input's name");
            if (value.IsNull)
            {
                inputs.Add(new PipelineInput(name));
                continue;
            }
            if (value.Kind != YamlNodeKind.Mapping)
            {
                Add(value, $"input '{Clip(name)}' is a mapping {{ description, required, default }} or nothing, not {Shape(value)}");
                continue;
            }
            var keys = Keys(value, InputKeys, $"input '{Clip(name)}'");
            var description = Text(keys, "description", MaxDescriptionLength);
            var required = Boolean(keys, "required") ?? false;
            var @default = Text(keys, "default", PipelineInput.MaxValueLength, allowEmpty: true);
            if (nameOk)
            {
                inputs.Add(new PipelineInput(name, description, required, @default));
            }
        }
        return inputs;
    }

    private List<PipelineStep>? Steps(YamlNode node, IReadOnlyList<PipelineInput> inputs)
    {
        if (node.Kind != YamlNodeKind.Mapping || node.Entries.Count == 0)
        {
            Add(node, node.Kind == YamlNodeKind.Mapping || node.IsNull
                ? "'steps' is empty; add at least one step, e.g. test: { run: make test }"
                : $"'steps' is a mapping of step names to steps (test: {{ run: make test }}), not {Shape(node)}");
            return null;
        }
        if (node.Entries.Count > PipelineDefinition.MaxSteps)
        {
            Add(node, $"the pipeline has {node.Entries.Count} steps; at most {PipelineDefinition.MaxSteps} are allowed — split it into pipelines");
        }
        var written = new List<(string Name, YamlNode Key, YamlNode Value)>();
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in node.Entries)
        {
            if (!ScalarKey(keyNode, "a step's name"))
            {
                continue;
            }
            if (lines.TryGetValue(keyNode.Value, out var firstLine))
            {
                Add(keyNode, $"step '{Clip(keyNode.Value)}' is written twice (first on line {firstLine}); rename or remove one");
                continue;
            }
            lines[keyNode.Value] = keyNode.Line;
            if (CheckName(keyNode.Value, keyNode, "a step's name") && keyNode.Value == RunPlanner.PullRequestStep)
            {
                Add(keyNode, $"'{RunPlanner.PullRequestStep}' is the name of the run's own pull request task, not free for a step; name the step differently (open_pr, publish)");
            }
            written.Add((keyNode.Value, keyNode, value));
        }

        var steps = new List<PipelineStep>();
        var checks = new List<(PipelineStep Step, YamlNode Node, IReadOnlyList<PipelineReference> References)>();
        var dependencyNodes = new Dictionary<string, List<(string Name, YamlNode Node)>>(StringComparer.Ordinal);
        foreach (var (name, keyNode, value) in written)
        {
            var step = Step(name, keyNode, value, lines, checks, dependencyNodes);
            if (step is not null)
            {
                steps.Add(step);
            }
        }

        var dependencies = written.ToDictionary(
            w => w.Name,
            w => (IReadOnlyList<string>)(dependencyNodes.TryGetValue(w.Name, out var d) ? d.Select(x => x.Name).Where(lines.ContainsKey).ToList() : []),
            StringComparer.Ordinal);
        foreach (var cycle in PipelineGraph.FindCycles(written.Select(w => w.Name).ToList(), dependencies))
        {
            var into = dependencyNodes[cycle[0]].First(d => d.Name == (cycle.Count > 1 ? cycle[1] : cycle[0]));
            Add(into.Node, $"cycle: {string.Join(" → ", cycle.Append(cycle[0]))}; a step cannot wait for itself — remove one of these dependencies");
        }
        var declared = inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (step, owner, references) in checks)
        {
            var ancestors = PipelineGraph.Ancestors(dependencies, step.Name);
            foreach (var reference in references)
            {
                CheckReference(step.Name, owner, reference, ancestors, lines, declared);
            }
        }
        return steps;
    }

    private PipelineStep? Step(
        string name,
        YamlNode keyNode,
        YamlNode node,
        Dictionary<string, int> lines,
        List<(PipelineStep Step, YamlNode Node, IReadOnlyList<PipelineReference> References)> checks,
        Dictionary<string, List<(string Name, YamlNode Node)>> dependencyNodes)
    {
        if (node.Kind != YamlNodeKind.Mapping)
        {
            Add(node.IsNull ? keyNode : node, node.IsNull
                ? $"step '{Clip(name)}' is empty; give it run: (a command) or instruction: (a task for the agent)"
                : $"step '{Clip(name)}' is a mapping with run: or instruction:, not {Shape(node)}");
            return null;
        }
        var label = $"step '{Clip(name)}'";
        var keys = Keys(node, StepKeys, label);
        var run = Text(keys, "run", PipelineStep.MaxCommandLength);
        var instruction = Text(keys, "instruction", PipelineStep.MaxInstructionLength);
        var kind = (PipelineStepKind?)null;
        if (run is not null && instruction is not null)
        {
            Add(keys["instruction"].Key, $"{label} has both run: and instruction:; a step is a command (run:) or an agent task (instruction:) — make it two steps");
        }
        else if (run is null && instruction is null && !keys.ContainsKey("run") && !keys.ContainsKey("instruction"))
        {
            Add(keyNode, $"{label} has neither run: (a command) nor instruction: (a task for the agent); add one");
        }
        else
        {
            kind = run is not null ? PipelineStepKind.Command : instruction is not null ? PipelineStepKind.Agent : null;
        }
        if (keys.TryGetValue("kind", out var kindEntry))
        {
            var written = Choice(keys, "kind", (PipelineStepKind?)null, ("agent", PipelineStepKind.Agent), ("command", PipelineStepKind.Command));
            if (written is not null && kind is not null && written != kind)
            {
                Add(kindEntry.Value, $"{label} says kind: {kindEntry.Value.Value} but has {(kind == PipelineStepKind.Command ? "run:, which makes it a command" : "instruction:, which makes it an agent task")}; fix or remove 'kind'");
            }
        }
        if (kind == PipelineStepKind.Command)
        {
            foreach (var key in AgentOnlyKeys.Where(keys.ContainsKey))
            {
                Add(keys[key].Key, $"'{key}' applies to agent steps (instruction:); {label} is a command — remove it");
            }
        }
        var title = Text(keys, "title", NewTask.MaxTitleLength, singleLine: true);
        var model = Text(keys, "model", NewTask.MaxModelLength, singleLine: true);
        if (model is not null && !model.Contains('/', StringComparison.Ordinal))
        {
            Add(keys["model"].Value, $"model '{Clip(model)}' must be written provider/model, for example openai/gpt-4.1");
        }
        var maxCost = Cost(keys);
        var dependsOn = DependsOn(name, label, keys, lines, dependencyNodes);
        var requiresApproval = Boolean(keys, "requires_approval") ?? false;
        var onFailure = Choice(keys, "on_failure", FailurePolicy.Stop, ("stop", FailurePolicy.Stop), ("continue", FailurePolicy.Continue));
        var timeout = Timeout(keys);
        var references = new List<(YamlNode, PipelineReference)>();
        var condition = Text(keys, "condition", PipelineCondition.MaxLength);
        if (condition is not null)
        {
            var conditionNode = keys["condition"].Value;
            try
            {
                references.AddRange(PipelineCondition.Parse(condition).References.Select(r => (conditionNode, r)));
            }
            catch (PipelineExpressionException e)
            {
                Add(conditionNode, $"the condition of {label} does not parse: {e.Message}", conditionNode.MapColumn(e.Column));
            }
        }
        foreach (var key in new[] { "instruction", "run" })
        {
            if (!keys.TryGetValue(key, out var entry) || (key == "run" ? run : instruction) is not { } text)
            {
                continue;
            }
            try
            {
                var template = PipelineTemplate.Parse(text);
                if (key == "run")
                {
                    template.CheckShell();
                }
                references.AddRange(template.References.Select(r => (entry.Value, r)));
            }
            catch (PipelineExpressionException e)
            {
                Add(entry.Value, $"the {key} of {label} has a bad placeholder: {e.Message}", entry.Value.MapColumn(e.Column));
            }
        }
        var step = new PipelineStep
        {
            Name = name,
            Kind = kind ?? PipelineStepKind.Command,
            Instruction = instruction,
            Run = run,
            Title = title,
            Model = model,
            MaxCostUsd = maxCost,
            DependsOn = dependsOn,
            Condition = condition,
            RequiresApproval = requiresApproval,
            OnFailure = onFailure,
            Timeout = timeout,
            Line = keyNode.Line,
        };
        foreach (var group in references.GroupBy(r => r.Item1))
        {
            checks.Add((step, group.Key, group.Select(r => r.Item2).ToList()));
        }
        return step;
    }

    private List<string> DependsOn(
        string name,
        string label,
        Dictionary<string, KeyValuePair<YamlNode, YamlNode>> keys,
        Dictionary<string, int> lines,
        Dictionary<string, List<(string Name, YamlNode Node)>> dependencyNodes)
    {
        var found = new List<(string Name, YamlNode Node)>();
        dependencyNodes[name] = found;
        if (!keys.TryGetValue("depends_on", out var entry) || entry.Value.IsNull)
        {
            return [];
        }
        IEnumerable<YamlNode> items = entry.Value.Kind switch
        {
            YamlNodeKind.Scalar => [entry.Value],
            YamlNodeKind.Sequence => entry.Value.Items,
            _ => [],
        };
        if (entry.Value.Kind == YamlNodeKind.Mapping)
        {
            Add(entry.Value, $"'depends_on' of {label} is a step name or a list of them ([lint, build]), not a mapping");
        }
        var names = new List<string>();
        foreach (var item in items)
        {
            if (item.Kind != YamlNodeKind.Scalar || item.IsNull)
            {
                Add(item, $"'depends_on' of {label} lists step names; this item is {Shape(item)}");
                continue;
            }
            var dependency = item.Value;
            if (names.Contains(dependency, StringComparer.Ordinal))
            {
                Add(item, $"{label} lists '{Clip(dependency)}' in depends_on twice; keep one");
                continue;
            }
            if (dependency == name)
            {
                Add(item, $"{label} depends on itself; remove '{Clip(name)}' from its depends_on");
                continue;
            }
            if (!lines.ContainsKey(dependency))
            {
                Add(item, $"{label} depends on '{Clip(dependency)}', which is not a step of this pipeline; the steps are {string.Join(", ", lines.Keys.Select(k => Clip(k, 30)))}");
                continue;
            }
            names.Add(dependency);
            found.Add((dependency, item));
        }
        return names;
    }

    private void CheckReference(string stepName, YamlNode owner, PipelineReference reference, HashSet<string> ancestors, Dictionary<string, int> lines, HashSet<string> declared)
    {
        var column = owner.MapColumn(reference.Column);
        if (reference.Root == "inputs")
        {
            if (!declared.Contains(reference.Name))
            {
                Add(owner, $"'{Clip(reference.ToString())}' refers to input '{Clip(reference.Name)}', which is not declared; add it under inputs:"
                    + (declared.Count > 0 ? $" (declared: {string.Join(", ", declared)})" : ""), column);
            }
            return;
        }
        if (reference.Name == stepName)
        {
            Add(owner, $"'{Clip(reference.ToString())}' refers to step '{Clip(stepName)}' itself; a step sees only the steps it depends on", column);
        }
        else if (!lines.ContainsKey(reference.Name))
        {
            Add(owner, $"'{Clip(reference.ToString())}' refers to step '{Clip(reference.Name)}', which is not a step of this pipeline", column);
        }
        else if (!ancestors.Contains(reference.Name))
        {
            Add(owner, $"'{Clip(reference.ToString())}' refers to step '{Clip(reference.Name)}', which step '{Clip(stepName)}' does not depend on; add '{Clip(reference.Name)}' to its depends_on", column);
        }
    }

    private PipelineSchedule? Schedule(KeyValuePair<YamlNode, YamlNode> entry, IReadOnlyList<PipelineInput> inputs, string? repo)
    {
        var node = entry.Value;
        string? cron;
        YamlNode cronNode;
        var timeZone = "UTC";
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.Kind == YamlNodeKind.Scalar && !node.IsNull)
        {
            cron = node.Value;
            cronNode = node;
        }
        else if (node.Kind == YamlNodeKind.Mapping)
        {
            var keys = Keys(node, ScheduleKeys, "the schedule");
            cron = Text(keys, "cron", 200, singleLine: true);
            cronNode = keys.TryGetValue("cron", out var c) ? c.Value : node;
            if (cron is null && c.Key is null)
            {
                Add(node, "the schedule has no 'cron:'; add one such as cron: \"0 3 * * *\" (03:00 every day)");
            }
            if (Text(keys, "time_zone", 100, singleLine: true) is { } zone)
            {
                timeZone = zone;
                if (!KnownTimeZone(zone))
                {
                    Add(keys["time_zone"].Value, $"time zone '{Clip(zone)}' is not known here; write an IANA name such as Europe/Berlin or UTC");
                }
            }
            if (keys.TryGetValue("inputs", out var inputsEntry) && !inputsEntry.Value.IsNull)
            {
                values = ScheduleInputs(inputsEntry.Value, inputs);
            }
        }
        else
        {
            Add(node, $"'schedule' is a cron expression or {{ cron, time_zone, inputs }}, not {Shape(node)}");
            return null;
        }
        if (repo is null)
        {
            Add(entry.Key, "a scheduled pipeline needs 'repo:' (the repository its runs work on); add it");
        }
        foreach (var input in inputs.Where(i => i.Required && i.Default is null && !values.ContainsKey(i.Name)))
        {
            Add(node, $"input '{Clip(input.Name)}' is required and has no default, so the schedule must give it: add it under the schedule's inputs:");
        }
        if (cron is null)
        {
            return null;
        }
        CheckCron(cron, cronNode);
        return new PipelineSchedule(cron, timeZone) { Inputs = values };
    }

    private Dictionary<string, string> ScheduleInputs(YamlNode node, IReadOnlyList<PipelineInput> inputs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.Kind != YamlNodeKind.Mapping)
        {
            Add(node, $"the schedule's 'inputs' is a mapping of input names to values, not {Shape(node)}");
            return values;
        }
        foreach (var (keyNode, value) in node.Entries)
        {
            if (!ScalarKey(keyNode, "an input's name"))
            {
                continue;
            }
            var name = keyNode.Value;
            if (values.ContainsKey(name))
            {
                Add(keyNode, $"the schedule gives input '{Clip(name)}' twice; keep one");
                continue;
            }
            if (!inputs.Any(i => i.Name == name))
            {
                Add(keyNode, $"the schedule gives input '{Clip(name)}', which is not declared; add it under the pipeline's inputs: or remove it here");
                continue;
            }
            if (value.Kind != YamlNodeKind.Scalar || value.IsNull)
            {
                Add(value, $"the schedule's input '{Clip(name)}' needs a text value, not {Shape(value)}");
                continue;
            }
            if (value.Value.Length > PipelineInput.MaxValueLength)
            {
                Add(value, $"the schedule's input '{Clip(name)}' is {value.Value.Length} characters long; at most {PipelineInput.MaxValueLength} are allowed");
                continue;
            }
            values[name] = value.Value;
        }
        return values;
    }

    private void CheckCron(string cron, YamlNode node)
    {
        var fields = cron.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            Add(node, $"cron '{Clip(cron)}' has {fields} fields; write five (minute hour day month weekday, e.g. \"0 3 * * *\") or six with seconds first");
            return;
        }
        try
        {
            CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (Exception e) when (e is CronFormatException or ArgumentException)
        {
            Add(node, $"cron '{Clip(cron)}' does not parse: {Clip(e.Message, 200)}; e.g. \"0 3 * * *\" is 03:00 every day");
        }
    }

    private static bool KnownTimeZone(string zone)
    {
        // Only names shaped like IANA ids reach the lookup, which reads files named after them.
        if (!TimeZonePattern().IsMatch(zone) || zone.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(zone);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private decimal? Cost(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> keys)
    {
        if (!keys.TryGetValue("max_cost_usd", out var entry) || entry.Value.IsNull)
        {
            return null;
        }
        var node = entry.Value;
        if (node.Kind == YamlNodeKind.Scalar && node.Value.Length <= 30
            && decimal.TryParse(node.Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cost) && cost > 0)
        {
            return cost;
        }
        Add(node, $"max_cost_usd is a positive number of dollars such as 2 or 0.50, not {Shape(node)}");
        return null;
    }

    private TimeSpan? Timeout(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> keys)
    {
        if (!keys.TryGetValue("timeout", out var entry) || entry.Value.IsNull)
        {
            return null;
        }
        var node = entry.Value;
        var text = node.Kind == YamlNodeKind.Scalar ? node.Value.Trim() : "";
        TimeSpan? timeout = null;
        if (text.Length is > 0 and <= 20)
        {
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                timeout = seconds <= MaxTimeout.TotalSeconds ? TimeSpan.FromSeconds(seconds) : MaxTimeout + TimeSpan.FromSeconds(1);
            }
            else if (DurationPattern().Match(text) is { Success: true } match && text.Length > 0)
            {
                var hours = match.Groups[1].Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
                var minutes = match.Groups[2].Success ? long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
                var secs = match.Groups[3].Success ? long.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
                timeout = TimeSpan.FromSeconds(Math.Min((hours * 3600) + (minutes * 60) + secs, (long)MaxTimeout.TotalSeconds + 1));
            }
        }
        if (timeout is null)
        {
            Add(node, $"timeout '{Clip(text.Length > 0 ? text : Shape(node))}' is not a duration; write whole seconds (90) or units: 90s, 5m, 1h30m");
            return null;
        }
        if (timeout < TimeSpan.FromSeconds(1) || timeout > MaxTimeout)
        {
            Add(node, $"timeout '{Clip(text)}' is out of range; a step's timeout lies between 1s and 24h");
            return null;
        }
        return timeout;
    }

    private bool? Boolean(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> keys, string key)
    {
        if (!keys.TryGetValue(key, out var entry))
        {
            return null;
        }
        var node = entry.Value;
        if (node.Kind == YamlNodeKind.Scalar && node.Plain)
        {
            switch (node.Value)
            {
                case "true" or "True" or "TRUE":
                    return true;
                case "false" or "False" or "FALSE":
                    return false;
            }
        }
        Add(node, $"'{key}' is true or false, not {Shape(node)}");
        return null;
    }

    private T Choice<T>(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> keys, string key, T fallback, params (string Name, T Value)[] choices)
    {
        if (!keys.TryGetValue(key, out var entry))
        {
            return fallback;
        }
        var node = entry.Value;
        if (node.Kind == YamlNodeKind.Scalar)
        {
            foreach (var (name, value) in choices)
            {
                if (node.Value == name)
                {
                    return value;
                }
            }
        }
        Add(node, $"'{key}' is one of {string.Join(", ", choices.Select(c => c.Name))}, not {Shape(node)}");
        return fallback;
    }

    private string? Text(Dictionary<string, KeyValuePair<YamlNode, YamlNode>> keys, string key, int maxLength, bool singleLine = false, bool allowEmpty = false)
    {
        if (!keys.TryGetValue(key, out var entry) || entry.Value.IsNull)
        {
            return null;
        }
        var node = entry.Value;
        if (node.Kind != YamlNodeKind.Scalar)
        {
            Add(node, $"'{key}' is text, not {Shape(node)}; quote it if it holds ': ' or starts with '{{' or '['");
            return null;
        }
        var text = node.Value;
        if (text.Length > maxLength)
        {
            Add(node, $"'{key}' is {text.Length} characters long; at most {maxLength} are allowed");
            return null;
        }
        if (singleLine && text.Any(char.IsControl))
        {
            Add(node, $"'{key}' must be one line without control characters");
            return null;
        }
        if (!allowEmpty && string.IsNullOrWhiteSpace(text))
        {
            Add(node, $"'{key}' is empty; write a value or leave the key out");
            return null;
        }
        return text;
    }

    private bool CheckName(string name, YamlNode node, string what)
    {
        if (NamePattern().IsMatch(name))
        {
            return true;
        }
        Add(node, $"{what} '{Clip(name)}' is not allowed: use lowercase letters, digits, '-' and '_', starting with a letter, at most 64 characters");
        return false;
    }

    private bool ScalarKey(YamlNode key, string what)
    {
        if (key.Kind == YamlNodeKind.Scalar && !key.IsNull)
        {
            return true;
        }
        Add(key, $"{what} must be plain text, not {Shape(key)}");
        return false;
    }

    /// <summary>The mapping's entries by key (first wins); unknown, duplicate and non-text keys are problems.</summary>
    private Dictionary<string, KeyValuePair<YamlNode, YamlNode>> Keys(YamlNode mapping, string[] allowed, string where)
    {
        var keys = new Dictionary<string, KeyValuePair<YamlNode, YamlNode>>(StringComparer.Ordinal);
        foreach (var entry in mapping.Entries)
        {
            var keyNode = entry.Key;
            if (!ScalarKey(keyNode, $"a key of {where}"))
            {
                continue;
            }
            var key = keyNode.Value;
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                Add(keyNode, $"unknown key '{Clip(key)}' in {where}; the keys are {string.Join(", ", allowed)}");
                continue;
            }
            if (keys.TryGetValue(key, out var first))
            {
                Add(keyNode, $"'{key}' is given twice in {where} (first on line {first.Key.Line}); keep one");
                continue;
            }
            keys[key] = entry;
        }
        return keys;
    }

    private static string Shape(YamlNode node) => node.Kind switch
    {
        YamlNodeKind.Mapping => "a mapping",
        YamlNodeKind.Sequence => "a list",
        _ when node.IsNull => "nothing",
        _ => $"'{Clip(node.Value, 40)}'",
    };

    private static string Clip(string text, int max = 60) => YamlTreeReader.Clip(text, max);

    private void Add(YamlNode node, string message, int? column = null) =>
        problems.Add(new PipelineProblem(file, node.Line, column ?? node.Column, message));
}
