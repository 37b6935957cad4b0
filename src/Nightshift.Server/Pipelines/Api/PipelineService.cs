using System.Text.Json;
using Microsoft.Extensions.Options;
using Nightshift.Core.Errors;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Server.Api;
using Nightshift.Server.Repositories;
using Nightshift.Storage;
using Nightshift.Workspaces;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>
/// What the API (and the dashboard) do with pipelines and runs, between the HTTP shapes and <see cref="Storage.Pipelines.IPipelineStore"/>.
/// Every call is scoped to one organisation: another organisation's pipeline or run is not found, exactly like a missing one.
/// </summary>
internal sealed partial class PipelineService(
    INightshiftStore store,
    TaskService tasks,
    IRepositoryGate repositoryGate,
    RepositoryPipelineReader repositoryPipelines,
    IOptions<PipelineApiOptions> apiOptions,
    TimeProvider time,
    ILogger<PipelineService> logger)
{
    public const int DefaultRunLimit = 50;
    public const int MaxRunLimit = 500;
    public const int MaxReasonLength = 2_000;

    /// <summary>Parses and checks YAML as the registration would, storing nothing.</summary>
    public static PipelineParseResult Parse(string yaml, string file)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(yaml) > PipelineYaml.MaxBytes)
        {
            return new PipelineParseResult(null, [new PipelineProblem(file, 1, 1, $"the file is larger than {PipelineYaml.MaxBytes} bytes, the most a pipeline may be; split long instructions into files of the repository")]);
        }
        return PipelineYaml.Parse(yaml, file);
    }

    /// <summary>Registers the pipeline, or replaces the one of its name in the caller's organisation.</summary>
    /// <exception cref="PipelineProblemsException">the YAML has problems.</exception>
    /// <exception cref="Auth.ForbiddenException">its <c>repo:</c> is one the organisation may not use.</exception>
    public async Task<(PipelineRecord Record, bool Created, PipelineDefinition Definition)> SaveAsync(Caller caller, string yaml, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var parsed = Parse(yaml, "pipeline.yml");
        if (!parsed.Ok)
        {
            throw new PipelineProblemsException("the pipeline has problems", parsed.Problems);
        }
        var definition = parsed.Definition!;
        if (definition.Repo is { } repo)
        {
            await EnsureRepositoryUsableAsync(caller.OrgId, repo, definition.BaseBranch, "repo", cancellationToken);
        }
        var now = time.GetUtcNow();
        var existing = await store.FindPipelineAsync(caller.OrgId, definition.Name, cancellationToken);
        var record = new PipelineRecord
        {
            Id = existing?.Id ?? "pl_" + Guid.NewGuid().ToString("N")[..24],
            OrgId = caller.OrgId,
            Name = definition.Name,
            Yaml = yaml,
            Schedule = definition.Schedule?.Cron,
            TimeZone = definition.Schedule?.TimeZone,
            NextRunAt = definition.Schedule is { } schedule ? NextAfter(schedule, now) : null,
            CreatedBy = existing?.CreatedBy ?? caller.UserName,
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        };
        var (stored, created) = await store.SavePipelineAsync(record, cancellationToken);
        return (stored, created, definition);
    }

    public Task<IReadOnlyList<PipelineRecord>> ListAsync(string orgId, CancellationToken cancellationToken = default) =>
        store.ListPipelinesAsync(orgId, cancellationToken);

    /// <returns>the pipeline, or null for a malformed name or none of that name in the organisation.</returns>
    public async Task<PipelineRecord?> FindAsync(string orgId, string name, CancellationToken cancellationToken = default) =>
        PipelineNames.IsPipelineName(name) ? await store.FindPipelineAsync(orgId, name, cancellationToken) : null;

    public async Task<bool> DeleteAsync(string orgId, string name, CancellationToken cancellationToken = default) =>
        PipelineNames.IsPipelineName(name) && await store.DeletePipelineAsync(orgId, name, cancellationToken);

    /// <summary>The definition a stored YAML holds, or null when it no longer parses (a newer server's rules).</summary>
    public static PipelineDefinition? DefinitionOf(string? yaml, string name)
    {
        if (yaml is null)
        {
            return null;
        }
        var parsed = Parse(yaml, name + ".yml");
        return parsed.Ok ? parsed.Definition : null;
    }

    /// <summary>
    /// Starts a run of a registered pipeline or, when none of that name is registered, of the repository's
    /// <c>.nightshift/pipelines/NAME.yml</c> on the run's base branch, read here through the mirror. Either way the YAML
    /// is snapshotted, the inputs checked and defaults filled in. A repository that cannot be read at that moment leaves
    /// the file to the coordinator when the run starts (a problem with it or the inputs then fails the run).
    /// </summary>
    /// <exception cref="ValidationException">a field is missing or unusable; the errors name each.</exception>
    /// <exception cref="Auth.ForbiddenException">the organisation may not use the repository.</exception>
    /// <exception cref="PipelineProblemsException">the registered pipeline no longer parses.</exception>
    public Task<(RunRecord Run, bool Created)> StartAsync(Caller caller, RunRequest request, string? idempotencyHeader, CancellationToken cancellationToken = default) =>
        StartAsync(caller, request, idempotencyHeader, "api", cancellationToken);

    /// <param name="trigger">what the run records as having started it (api, cli, dashboard).</param>
    public async Task<(RunRecord Run, bool Created)> StartAsync(Caller caller, RunRequest request, string? idempotencyHeader, string trigger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }

        var key = request.IdempotencyKey;
        if (!string.IsNullOrEmpty(idempotencyHeader))
        {
            if (key is not null && key != idempotencyHeader)
            {
                Add("idempotencyKey", "differs from the Idempotency-Key header; send the key once, in the body or in the header");
            }
            key = idempotencyHeader;
        }
        if (key is not null && (key.Length is 0 or > NewTask.MaxIdempotencyKeyLength || key.Any(char.IsControl)))
        {
            Add("idempotencyKey", $"must be 1 to {NewTask.MaxIdempotencyKeyLength} printable characters");
        }

        var name = request.Pipeline?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            Add("pipeline", "is required: the name of a registered pipeline (GET /api/v1/pipelines) or of .nightshift/pipelines/NAME.yml in the repository");
        }
        else if (!PipelineNames.IsPipelineName(name))
        {
            Add("pipeline", $"'{PipelineNames.Clip(name)}' is not a pipeline name: lowercase letters, digits, '-' and '_', starting with a letter, at most {PipelineNames.MaxNameLength} characters");
        }
        var given = ReadInputs(request.Inputs, Add);
        Throw(errors);

        var registered = await store.FindPipelineAsync(caller.OrgId, name!, cancellationToken);
        PipelineDefinition? definition = null;
        if (registered is not null)
        {
            var parsed = Parse(registered.Yaml, registered.Name + ".yml");
            if (!parsed.Ok)
            {
                throw new PipelineProblemsException(
                    $"the registered pipeline '{registered.Name}' no longer passes its checks; register it again after fixing these",
                    parsed.Problems,
                    StatusCodes.Status409Conflict);
            }
            definition = parsed.Definition!;
            given = CheckInputs(definition, given, Add);
        }

        var repo = string.IsNullOrWhiteSpace(request.Repo) ? definition?.Repo : request.Repo.Trim();
        var baseBranch = string.IsNullOrWhiteSpace(request.BaseBranch) ? definition?.BaseBranch : request.BaseBranch.Trim();
        if (repo is null)
        {
            Add("repo", definition is null
                ? $"is required: no pipeline '{name}' is registered, so the run reads .nightshift/pipelines/{name}.yml from the repository you name here"
                : $"is required: pipeline '{name}' names no repo: in its YAML; give the repository to run it on");
        }
        Throw(errors);
        await EnsureRepositoryUsableAsync(caller.OrgId, repo!, baseBranch, "repo", cancellationToken);

        var yaml = registered?.Yaml;
        if (registered is null && await ReadRepositoryPipelineAsync(caller.OrgId, name!, repo!, baseBranch, cancellationToken) is { } fromRepository)
        {
            definition = fromRepository.Definition;
            yaml = fromRepository.Yaml;
            given = CheckInputs(definition, given, Add);
            Throw(errors);
        }

        var run = new NewRun
        {
            OrgId = caller.OrgId,
            Pipeline = name!,
            PipelineId = registered?.Id,
            Yaml = yaml,
            Repo = repo!,
            BaseBranch = baseBranch,
            Inputs = given,
            Trigger = trigger,
            CreatedBy = caller.UserName,
            IdempotencyKey = key,
        };
        return await store.CreateRunAsync(run, definition is null ? [] : [.. definition.Steps.Select(s => s.Name)], cancellationToken);
    }

    /// <summary>
    /// The repository's own pipeline <paramref name="name"/> on <paramref name="baseBranch"/>, read as the coordinator
    /// reads it, within <see cref="PipelineApiOptions.RepositoryReadTimeout"/>.
    /// </summary>
    /// <returns>the definition and its YAML; null when the repository cannot be read now (unreachable, refused, too slow).</returns>
    /// <exception cref="ValidationException">the branch has no such file.</exception>
    /// <exception cref="PipelineProblemsException">the file has problems.</exception>
    private async Task<(PipelineDefinition Definition, string Yaml)?> ReadRepositoryPipelineAsync(string orgId, string name, string repo, string? baseBranch, CancellationToken cancellationToken)
    {
        var path = repositoryPipelines.FileOf(name);
        if (path is null)
        {
            return null;
        }
        var branch = baseBranch ?? "the default branch";
        string? text;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(apiOptions.Value.RepositoryReadTimeout);
        try
        {
            text = await repositoryPipelines.ReadAsync(orgId, repo, baseBranch, path, bounded.Token);
        }
        catch (Exception e) when (e is WorkspaceException or Nightshift.Forges.ForgeException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var why = e is OperationCanceledException ? $"it took longer than {apiOptions.Value.RepositoryReadTimeout.TotalSeconds:0} s" : e.Message;
            LogRepositoryUnread(logger, name, Clip(repo), why);
            return null;
        }
        if (text is null)
        {
            throw new ValidationException("pipeline", $"no pipeline '{name}' is registered and {Clip(repo)} has no {path} on {branch}; register it (nightshift pipeline add FILE), commit the file, or name the repository and base branch that hold it");
        }
        var parsed = Parse(text, path);
        if (!parsed.Ok)
        {
            throw new PipelineProblemsException($"the repository's {path} on {branch} has problems; fix them and start the run again", parsed.Problems);
        }
        return (parsed.Definition!, text);
    }

    private static string Clip(string text) => Core.Text.SafeText.Clean(text, 200);

    [LoggerMessage(EventId = 7430, Level = LogLevel.Information, Message = "Pipeline {Pipeline} of {Repo} could not be read to check a new run's inputs ({Reason}); the run reads it when it starts")]
    private static partial void LogRepositoryUnread(ILogger logger, string pipeline, string repo, string reason);

    /// <returns>the run with its steps, or null for a malformed id or none in the organisation.</returns>
    public async Task<(RunRecord Run, IReadOnlyList<Core.Pipelines.RunStepRecord> Steps)?> GetRunAsync(string orgId, string id, CancellationToken cancellationToken = default)
    {
        if (await FindRunAsync(orgId, id, cancellationToken) is not { } run)
        {
            return null;
        }
        return (run, await store.ListStepsAsync(run.Id, cancellationToken));
    }

    public async Task<RunRecord?> FindRunAsync(string orgId, string id, CancellationToken cancellationToken = default) =>
        PipelineNames.LooksLikeRunId(id) ? await store.FindRunAsync(orgId, id, cancellationToken) : null;

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(string orgId, string? pipeline, RunState? state, int limit, CancellationToken cancellationToken = default) =>
        store.ListRunsAsync(orgId, pipeline, state, limit, cancellationToken);

    /// <summary>A person's approval or rejection of a step that waits for one.</summary>
    public async Task<Storage.Pipelines.StepDecisionResult> DecideAsync(Caller caller, string id, string step, bool approve, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var cleaned = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (!PipelineNames.LooksLikeRunId(id) || !PipelineNames.IsStepName(step))
        {
            return Storage.Pipelines.StepDecisionResult.NotFound;
        }
        if (cleaned is { Length: > MaxReasonLength })
        {
            throw new ValidationException("reason", $"is {cleaned.Length} characters long; at most {MaxReasonLength} are accepted");
        }
        return await store.DecideStepAsync(caller.OrgId, id, step, approve, caller.UserName, cleaned, cancellationToken);
    }

    /// <returns>false when there is no such run in the organisation or it has ended.</returns>
    public async Task<bool> CancelAsync(string orgId, string id, CancellationToken cancellationToken = default) =>
        PipelineNames.LooksLikeRunId(id) && await store.RequestCancelRunAsync(orgId, id, cancellationToken);

    public Task<IReadOnlyList<RunEvent>> ReadEventsAsync(string runId, long after, int limit, CancellationToken cancellationToken = default) =>
        store.ReadRunEventsAsync(runId, after, limit, cancellationToken);

    /// <summary>The run and its steps as the API shows them: the snapshot's steps in written order, then rows it does not name.</summary>
    public static RunView View(RunRecord run, IReadOnlyList<Core.Pipelines.RunStepRecord>? steps)
    {
        ArgumentNullException.ThrowIfNull(run);
        List<RunStepView>? views = null;
        if (steps is not null)
        {
            var definition = DefinitionOf(run.Yaml, run.Pipeline);
            var rows = steps.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
            views = [];
            foreach (var step in definition?.Steps ?? [])
            {
                var row = rows.GetValueOrDefault(step.Name);
                views.Add(StepView(step.Name, step, row));
            }
            foreach (var row in steps.Where(s => definition?.Step(s.Name) is null))
            {
                views.Add(StepView(row.Name, null, row));
            }
        }
        return new RunView(
            run.Id,
            run.Pipeline,
            run.PipelineId,
            run.Repo,
            run.BaseBranch,
            run.Branch,
            run.Inputs,
            run.State.ToWire(),
            run.Trigger,
            run.CreatedBy,
            run.Reason,
            run.PullRequest,
            run.CancelRequested,
            run.CreatedAt,
            run.UpdatedAt,
            run.StartedAt,
            run.FinishedAt,
            views);
    }

    /// <summary>The next time a schedule starts a run after <paramref name="after"/>, by the scheduler's own rule; null when it never does again.</summary>
    private static DateTimeOffset? NextAfter(PipelineSchedule schedule, DateTimeOffset after)
    {
        try
        {
            return PipelineSchedules.NextAfter(schedule.Cron, schedule.TimeZone, after);
        }
        catch (ArgumentException error)
        {
            throw new ValidationException("schedule", $"cannot be read ({error.Message}); the pipeline's checks should have said so — check its cron expression and time zone");
        }
    }

    private static RunStepView StepView(string name, PipelineStep? step, Core.Pipelines.RunStepRecord? row) => new(
        name,
        step is null ? null : PipelineStepView.Wire(step.Kind),
        step?.DependsOn ?? [],
        step?.Condition,
        step?.RequiresApproval ?? false,
        step is null ? null : step.OnFailure == FailurePolicy.Continue ? "continue" : "stop",
        (row?.State ?? StepState.Pending).ToWire(),
        row?.TaskId,
        OutputOf(row?.Output),
        row?.Reason,
        row?.DecidedBy,
        row?.DecidedAt,
        row?.StartedAt,
        row?.FinishedAt);

    private static JsonElement? OutputOf(string? output)
    {
        if (string.IsNullOrEmpty(output))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(output, new JsonDocumentOptions { MaxDepth = 64 });
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(output);
        }
    }

    private static Dictionary<string, string> ReadInputs(Dictionary<string, JsonElement>? inputs, Action<string, string> add)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (inputs is null)
        {
            return values;
        }
        if (inputs.Count > PipelineDefinition.MaxInputs)
        {
            add("inputs", $"has {inputs.Count} entries; a pipeline takes at most {PipelineDefinition.MaxInputs}");
            return values;
        }
        foreach (var (key, value) in inputs)
        {
            if (!PipelineNames.IsInputName(key))
            {
                add("inputs", $"'{PipelineNames.Clip(key)}' is not an input name: letters, digits, '-' and '_', starting with a letter, at most {PipelineNames.MaxNameLength} characters");
                continue;
            }
            string? text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            if (text is null)
            {
                add("inputs", $"input '{key}' must be a string (or a number, true or false), not {value.ValueKind.ToString().ToLowerInvariant()}");
            }
            else if (text.Length > PipelineInput.MaxValueLength)
            {
                add("inputs", $"input '{key}' is {text.Length} characters long; at most {PipelineInput.MaxValueLength} are accepted — put long material in the repository and name it");
            }
            else if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            {
                add("inputs", $"input '{key}' contains control characters; send plain text");
            }
            else
            {
                values[key] = text;
            }
        }
        return values;
    }

    private static Dictionary<string, string> CheckInputs(PipelineDefinition definition, Dictionary<string, string> given, Action<string, string> add)
    {
        var declared = definition.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var undeclared = given.Keys.Where(k => !declared.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        if (undeclared.Count > 0)
        {
            var takes = declared.Count == 0 ? "it takes no inputs" : "it takes: " + string.Join(", ", declared.Keys);
            add("inputs", $"pipeline '{definition.Name}' declares no input {string.Join(", ", undeclared.Select(u => $"'{u}'"))}; {takes}");
        }
        var missing = definition.Inputs.Where(i => i.Required && i.Default is null && !given.ContainsKey(i.Name)).ToList();
        if (missing.Count > 0)
        {
            add("inputs", $"pipeline '{definition.Name}' needs {string.Join(", ", missing.Select(m => m.Description is null ? $"'{m.Name}'" : $"'{m.Name}' ({m.Description})"))}: give "
                + string.Join(" ", missing.Select(m => $"--input {m.Name}=…")) + " or \"inputs\": {" + string.Join(", ", missing.Select(m => $"\"{m.Name}\": …")) + "}");
        }
        var filled = new Dictionary<string, string>(given, StringComparer.Ordinal);
        foreach (var input in definition.Inputs.Where(i => i.Default is not null && !given.ContainsKey(i.Name)))
        {
            filled[input.Name] = input.Default!;
        }
        return filled;
    }

    /// <summary>The checks a task's repository gets: well-formed, allowed by the organisation and by the server's repository policy.</summary>
    private async Task EnsureRepositoryUsableAsync(string orgId, string repo, string? baseBranch, string field, CancellationToken cancellationToken)
    {
        NewTask probe;
        try
        {
            probe = new NewTask { Repo = repo, Instruction = "pipeline run", BaseBranch = baseBranch, OrgId = orgId, Source = "pipeline" }.Validated();
        }
        catch (ValidationException invalid)
        {
            throw new ValidationException(invalid.Errors.ToDictionary(e => e.Key == "repo" ? field : e.Key, e => e.Value, StringComparer.Ordinal));
        }
        await tasks.EnsureOrgAllowsAsync(orgId, probe.Repo, cancellationToken);
        await repositoryGate.EnsureAllowedAsync(probe, cancellationToken);
    }

    private static void Throw(Dictionary<string, List<string>> errors)
    {
        if (errors.Count > 0)
        {
            throw new ValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}
