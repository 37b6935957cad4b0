namespace Nightshift.TestKit.Forges;

/// <summary>An issue as the fake GitLab holds it; tests seed and change it directly.</summary>
public sealed class FakeGitLabIssue
{
    public required string Project { get; init; }

    public required long Iid { get; init; }

    public string Title { get; set; } = "An issue";

    public string? Description { get; set; }

    public string Author { get; set; } = "reporter";

    public List<string> Labels { get; } = [];

    /// <summary>opened or closed.</summary>
    public string State { get; set; } = "opened";

    public bool Confidential { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
}
