using Microsoft.Extensions.Logging;
using Nightshift.Core.Forges;
using Nightshift.Forges.Configuration;
using Octokit;
using Octokit.Internal;
using Polly;
using Polly.Retry;
using CorePullRequest = Nightshift.Core.Forges.PullRequest;

namespace Nightshift.Forges.GitHub;

/// <summary>
/// Pull requests on github.com or GitHub Enterprise through Octokit: opens the task's pull request (a draft when the
/// task needs review) with the configured labels and reviewers, or, when one is already open for the branch, updates
/// its title and body. Rate limits, 5xx answers and dropped connections are retried (Polly), honouring Retry-After
/// and X-RateLimit-Reset up to <see cref="MaxRetryWait"/>; every refusal ends as a <see cref="ForgeException"/>
/// that says what to fix.
/// </summary>
public sealed partial class GitHubForge : IForge
{
    /// <summary>GitHub refuses longer pull request bodies.</summary>
    public const int MaxBodyChars = 65_000;

    private const int MaxTitleChars = 250;
    private readonly ForgeEndpoint _endpoint;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GitHubClient _client;
    private readonly string _forge;
    private readonly Lazy<ResiliencePipeline> _pipeline;
    private readonly HttpMessageInvoker _raw;
    private readonly ApiConnection _api;

    public GitHubForge(ForgeEndpoint endpoint, HttpMessageHandler handler, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(handler);
        _endpoint = endpoint;
        _time = time;
        _logger = logger;
        _forge = $"Forges:{endpoint.Name}";
        var connection = new Connection(
            new ProductHeaderValue("Nightshift"),
            endpoint.ApiUrl,
            new ForgeTokenCredentialStore(endpoint.Token),
            new HttpClientAdapter(() => new CallCancellationHandler(handler)),
            new SimpleJsonSerializer());
        _client = new GitHubClient(connection);
        _raw = new HttpMessageInvoker(handler, disposeHandler: false);
        _api = new ApiConnection(_client.Connection);
        _pipeline = new Lazy<ResiliencePipeline>(BuildPipeline);
    }

    public string Name => "github";

    /// <summary>Longer waits than this (a rate limit reset an hour away) fail the call instead of holding the task.</summary>
    public TimeSpan MaxRetryWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The first retry's delay when GitHub did not say how long to wait; doubled each time.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    public int MaxRetries { get; init; } = 3;

    public async Task<CorePullRequest> OpenAsync(PullRequestDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var repository = ForgeRepository.TryParse(draft.Repo)
            ?? throw new ForgeException($"'{ForgeDefaults.Shown(draft.Repo)}' is not a GitHub repository address (https://{_endpoint.Host}/OWNER/NAME); the task's repository cannot get a pull request on {_forge}");
        var title = Clip(draft.Title.Trim(), MaxTitleChars);
        var body = draft.Body.Length > MaxBodyChars ? draft.Body[..MaxBodyChars] + "\n\n… (cut: GitHub takes at most 65,000 characters)" : draft.Body;
        var notFound = $"GitHub knows no repository {repository} visible to the credential of {_forge}, or no base branch '{draft.BaseBranch}' there; check the address, the base branch, and that the token (or the App) can see the repository";
        Octokit.PullRequest pull;
        try
        {
            pull = await CallAsync($"opening the pull request of branch {draft.Branch} on {repository}", notFound,
                () => _client.PullRequest.Create(repository.Owner, repository.Name, new NewPullRequest(title, draft.Branch, draft.BaseBranch) { Body = body, Draft = draft.Draft }),
                cancellationToken);
            LogOpened(_logger, draft.TaskId, repository.ToString(), pull.Number, draft.Draft);
        }
        catch (ForgeException e) when (e.Status == 422)
        {
            // Usually "a pull request already exists" for the branch (a follow-up, or a retried publish): update that one.
            var existing = await FindOpenAsync(repository, draft.Branch, notFound, cancellationToken);
            if (existing is null)
            {
                throw;
            }
            pull = await CallAsync($"updating pull request #{existing.Number} on {repository}", notFound,
                () => _client.PullRequest.Update(repository.Owner, repository.Name, existing.Number, new PullRequestUpdate { Title = title, Body = body }),
                cancellationToken);
            LogUpdated(_logger, draft.TaskId, repository.ToString(), pull.Number);
        }
        await DecorateAsync(repository, pull.Number, draft.TaskId, cancellationToken);
        return new CorePullRequest(
            draft.TaskId, Name, pull.HtmlUrl ?? $"https://{_endpoint.Host}/{repository}/pull/{pull.Number}", draft.Repo, draft.Branch, draft.BaseBranch,
            title, body, draft.Diff, pull.Draft, pull.CreatedAt, pull.UpdatedAt);
    }

    /// <summary>One cheap authenticated call for <c>nightshift doctor</c>: who the token acts as.</summary>
    public async Task<string> WhoAmIAsync(CancellationToken cancellationToken = default)
    {
        var user = await CallAsync($"checking the credential of {_forge}", $"check {_forge}:ApiUrl: it does not look like GitHub's REST API",
            () => _client.User.Current(), cancellationToken);
        return user.Login;
    }

    /// <summary>For an App's installation token: how many repositories it can reach.</summary>
    public async Task<int> InstallationRepositoryCountAsync(CancellationToken cancellationToken = default)
    {
        var repositories = await CallAsync($"checking the App installation of {_forge}", $"check {_forge}:InstallationId",
            () => _client.GitHubApps.Installation.GetAllRepositoriesForCurrent(new ApiOptions { PageCount = 1, PageSize = 1 }), cancellationToken);
        return repositories.TotalCount;
    }

    private async Task<Octokit.PullRequest?> FindOpenAsync(ForgeRepository repository, string branch, string notFound, CancellationToken cancellationToken)
    {
        var open = await CallAsync($"looking for the open pull request of branch {branch} on {repository}", notFound,
            () => _client.PullRequest.GetAllForRepository(repository.Owner, repository.Name,
                new PullRequestRequest { Head = $"{repository.Owner}:{branch}", State = ItemStateFilter.Open }, new ApiOptions { PageCount = 1, PageSize = 10 }),
            cancellationToken);
        return open.FirstOrDefault(p => p.Head?.Ref is null || string.Equals(p.Head.Ref, branch, StringComparison.Ordinal));
    }

    /// <summary>Labels and reviewers are wishes on an opened pull request: a refusal is logged, and the pull request stands.</summary>
    private async Task DecorateAsync(ForgeRepository repository, int number, string taskId, CancellationToken cancellationToken)
    {
        if (_endpoint.Labels.Count > 0)
        {
            try
            {
                await CallAsync($"labelling pull request #{number} on {repository}", $"pull request #{number} vanished",
                    () => _client.Issue.Labels.AddToIssue(repository.Owner, repository.Name, number, [.. _endpoint.Labels]), cancellationToken);
            }
            catch (ForgeException e) when (!e.Transient)
            {
                LogDecorationFailed(_logger, taskId, "labels", e.Message);
            }
        }
        if (_endpoint.Reviewers.Count > 0)
        {
            try
            {
                await CallAsync($"asking for reviews of pull request #{number} on {repository}", $"pull request #{number} vanished",
                    () => _client.PullRequest.ReviewRequest.Create(repository.Owner, repository.Name, number, new PullRequestReviewRequest([.. _endpoint.Reviewers], [])),
                    cancellationToken);
            }
            catch (ForgeException e) when (!e.Transient)
            {
                LogDecorationFailed(_logger, taskId, "reviewers", e.Message);
            }
        }
    }

    private async Task<T> CallAsync<T>(string action, string notFound, Func<Task<T>> call, CancellationToken cancellationToken) =>
        await _pipeline.Value.ExecuteAsync(async token =>
        {
            GitHubCallCancellation.Token = token;
            try
            {
                return await call();
            }
            catch (ApiException e)
            {
                throw GitHubErrors.FromOctokit(e, _forge, action, notFound, _time);
            }
            catch (HttpRequestException e)
            {
                throw GitHubErrors.NoAnswer(_forge, _endpoint.ApiUrl, action, e);
            }
            catch (OperationCanceledException e) when (!token.IsCancellationRequested)
            {
                throw GitHubErrors.NoAnswer(_forge, _endpoint.ApiUrl, action, e);
            }
        }, cancellationToken);

    private ResiliencePipeline BuildPipeline() =>
        new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<ForgeException>(e => e.Transient && (e.RetryAfter ?? TimeSpan.Zero) <= MaxRetryWait),
                MaxRetryAttempts = Math.Max(1, MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                Delay = RetryDelay,
                MaxDelay = MaxRetryWait,
                UseJitter = false,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is ForgeException { RetryAfter: { } after } ? (TimeSpan?)after : null),
                OnRetry = args =>
                {
                    LogRetrying(_logger, _forge, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds, args.Outcome.Exception?.Message ?? "");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

    private static string Clip(string value, int max) => value.Length > max ? value[..(max - 1)] + "…" : value;

    [LoggerMessage(EventId = 7231, Level = LogLevel.Information, Message = "task {TaskId}: opened pull request #{Number} on {Repository} (draft: {Draft})")]
    private static partial void LogOpened(ILogger logger, string taskId, string repository, int number, bool draft);

    [LoggerMessage(EventId = 7232, Level = LogLevel.Information, Message = "task {TaskId}: updated the open pull request #{Number} on {Repository}")]
    private static partial void LogUpdated(ILogger logger, string taskId, string repository, int number);

    [LoggerMessage(EventId = 7233, Level = LogLevel.Warning, Message = "task {TaskId}: the pull request is open, but its {What} were refused: {Reason}")]
    private static partial void LogDecorationFailed(ILogger logger, string taskId, string what, string reason);

    [LoggerMessage(EventId = 7234, Level = LogLevel.Warning, Message = "{Forge}: try {Attempt} in {DelaySeconds} s after: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string forge, int attempt, double delaySeconds, string reason);
}
