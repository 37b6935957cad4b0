namespace Nightshift.TestKit.Forges;

/// <summary>
/// A note (comment) as the fake GitLab holds it: on an issue or a merge request, alone or in a discussion; a diff note
/// (<see cref="Type"/> "DiffNote") carries the file and line it is on.
/// </summary>
public sealed class FakeGitLabNote
{
    public required long Id { get; init; }

    public required string Project { get; init; }

    /// <summary>"issues" or "merge_requests", as the routes name them.</summary>
    public required string Noteable { get; init; }

    public required long Iid { get; init; }

    /// <summary>The discussion the note belongs to: 40 hex characters, as GitLab's are.</summary>
    public required string DiscussionId { get; init; }

    public required string Author { get; init; }

    public bool AuthorIsBot { get; init; }

    public required string Body { get; init; }

    /// <summary>null, "DiscussionNote" or "DiffNote".</summary>
    public string? Type { get; init; }

    public bool System { get; init; }

    public string? Path { get; init; }

    public int? Line { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
