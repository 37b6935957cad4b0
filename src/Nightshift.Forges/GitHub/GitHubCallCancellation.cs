namespace Nightshift.Forges.GitHub;

/// <summary>
/// Octokit's client methods take no cancellation token; its transport does. The forge sets the caller's token here
/// around each call and <see cref="CallCancellationHandler"/> hands it to the HTTP request, so cancelling a task
/// cancels the request in flight instead of abandoning it.
/// </summary>
internal static class GitHubCallCancellation
{
    private static readonly AsyncLocal<CancellationToken> Current = new();

    public static CancellationToken Token
    {
        get => Current.Value;
        set => Current.Value = value;
    }
}
