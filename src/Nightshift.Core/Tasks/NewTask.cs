using Nightshift.Core.Errors;
using Nightshift.Core.Teams;

namespace Nightshift.Core.Tasks;

/// <summary>What a person asks for: the fields of <c>POST /api/v1/tasks</c>.</summary>
public sealed record NewTask
{
    public const int MaxRepoLength = 2_048;
    public const int MaxInstructionLength = 100_000;
    public const int MaxTitleLength = 200;
    public const int MaxBranchLength = 200;
    public const int MaxModelLength = 200;
    public const int MaxIdempotencyKeyLength = 200;
    public const int MinPriority = -1_000;
    public const int MaxPriority = 1_000;

    public required string Repo { get; init; }

    public required string Instruction { get; init; }

    public string? Title { get; init; }

    public string? BaseBranch { get; init; }

    public string? Model { get; init; }

    /// <summary>Higher runs first; equal priorities run in submission order.</summary>
    public int Priority { get; init; }

    public bool RequirePlanApproval { get; init; }

    public string? IdempotencyKey { get; init; }

    /// <summary>Not before this time (retries with backoff, scheduled work). Null: at once.</summary>
    public DateTimeOffset? RunAfter { get; init; }

    /// <summary>How many attempts the queue makes before the task fails for good.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Where the task came from: api, cli, dashboard, github, pipeline, …</summary>
    public string Source { get; init; } = "api";

    /// <summary>The issue or pull request on a forge the task came from; null for tasks asked for here.</summary>
    public TaskOrigin? Origin { get; init; }

    /// <summary>
    /// The task whose branch and pull request this one continues (a review's follow-up, a failed check's fix): it
    /// commits on top of that branch and updates the same pull request. Null: a new branch from the base.
    /// </summary>
    public string? FollowUpOf { get; init; }

    /// <summary>The organisation the task belongs to; set by the server from the caller, never taken from a request body.</summary>
    public string OrgId { get; init; } = OrgIds.Default;

    /// <summary>The pipeline run and step this task is (set by the pipeline coordinator, never taken from a request body); null for a task of its own.</summary>
    public Pipelines.RunStepTask? RunStep { get; init; }

    /// <summary>Returns the task with surrounding whitespace trimmed and a title filled in, or throws with every problem found.</summary>
    /// <exception cref="ValidationException">one or more fields are unusable.</exception>
    public NewTask Validated()
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }

        var repo = Repo?.Trim() ?? "";
        if (repo.Length == 0)
        {
            Add("repo", "is required: give a repository URL (https://github.com/owner/name) or a local path");
        }
        else if (repo.Length > MaxRepoLength)
        {
            Add("repo", $"is {repo.Length} characters long; at most {MaxRepoLength} are accepted");
        }
        else if (HasControlCharacters(repo))
        {
            Add("repo", "contains control characters; give a plain URL or path");
        }

        var instruction = Instruction?.Trim() ?? "";
        if (instruction.Length == 0)
        {
            Add("instruction", "is required: say in plain language what should change");
        }
        else if (instruction.Length > MaxInstructionLength)
        {
            Add("instruction", $"is {instruction.Length} characters long; at most {MaxInstructionLength} are accepted — attach long material to the repository instead");
        }

        var title = string.IsNullOrWhiteSpace(Title) ? null : Title.Trim();
        if (title is not null && (title.Length > MaxTitleLength || HasControlCharacters(title)))
        {
            Add("title", $"must be one line of at most {MaxTitleLength} characters");
        }

        var baseBranch = string.IsNullOrWhiteSpace(BaseBranch) ? null : BaseBranch.Trim();
        if (baseBranch is not null && !IsSafeBranchName(baseBranch))
        {
            Add("baseBranch", $"is not a usable branch name: use letters, digits and . _ - /, not starting with '-' or '/', without '..', at most {MaxBranchLength} characters");
        }

        var model = string.IsNullOrWhiteSpace(Model) ? null : Model.Trim();
        if (model is not null && (model.Length > MaxModelLength || HasControlCharacters(model) || !model.Contains('/', StringComparison.Ordinal)))
        {
            Add("model", "must be written provider/model, for example openai/gpt-4.1 or anthropic/claude-sonnet-4-5");
        }

        if (Priority is < MinPriority or > MaxPriority)
        {
            Add("priority", $"is {Priority}; it must lie between {MinPriority} and {MaxPriority}");
        }

        var key = string.IsNullOrEmpty(IdempotencyKey) ? null : IdempotencyKey;
        if (key is not null && (key.Length > MaxIdempotencyKeyLength || HasControlCharacters(key)))
        {
            Add("idempotencyKey", $"must be at most {MaxIdempotencyKeyLength} printable characters");
        }

        if (MaxAttempts is < 1 or > 100)
        {
            Add("maxAttempts", $"is {MaxAttempts}; it must lie between 1 and 100");
        }

        if (string.IsNullOrWhiteSpace(Source) || Source.Length > 40 || HasControlCharacters(Source))
        {
            Add("source", "must be a short name such as api, cli or github");
        }

        if (Origin is not null)
        {
            foreach (var problem in Origin.Problems())
            {
                Add("origin", problem);
            }
        }

        var followUpOf = string.IsNullOrWhiteSpace(FollowUpOf) ? null : FollowUpOf.Trim();
        if (followUpOf is not null && !TaskId.LooksValid(followUpOf))
        {
            Add("followUpOf", "must be the id of an existing task");
        }

        if (RunStep is not null && FollowUpOf is not null)
        {
            Add("runStep", "a pipeline step continues its run's branch; it cannot also follow up another task");
        }
        if (RunStep is { } step && (!NewTask.IsSafeBranchName(step.Branch) || (step.PublishBranch is { } publish && !NewTask.IsSafeBranchName(publish))
            || (step.PullRequestBody?.Length ?? 0) > Pipelines.RunStepTask.MaxBodyLength || (step.Script?.Length ?? 0) > Pipelines.PipelineStep.MaxCommandLength * 4))
        {
            Add("runStep", "names an unusable branch or carries an oversized script or pull request body");
        }

        if (!OrgIds.IsValid(OrgId))
        {
            Add("orgId", "must be an organisation id: lowercase letters, digits and '-'");
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }

        return this with
        {
            Repo = repo,
            Instruction = instruction,
            Title = title ?? DeriveTitle(instruction),
            BaseBranch = baseBranch,
            Model = model,
            IdempotencyKey = key,
            FollowUpOf = followUpOf,
        };
    }

    /// <summary>The title a task gets when none is given: see <see cref="TaskTitles.Derive"/>.</summary>
    public static string DeriveTitle(string instruction) => TaskTitles.Derive(instruction);

    public static bool IsSafeBranchName(string name) =>
        name.Length is > 0 and <= MaxBranchLength
        && !name.StartsWith('-') && !name.StartsWith('/') && !name.EndsWith('/') && !name.EndsWith('.')
        && !name.Contains("..", StringComparison.Ordinal) && !name.Contains("//", StringComparison.Ordinal)
        && !name.EndsWith(".lock", StringComparison.Ordinal) && !name.Contains("@{", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/');

    private static bool HasControlCharacters(string value) => value.Any(char.IsControl);
}
