namespace Nightshift.TestKit.Forges;

/// <summary>An issue (or, with <see cref="IsPullRequest"/>, a pull request as the issues API lists it) seeded on the fake GitHub.</summary>
public sealed class FakeGitHubIssue
{
    public required long Number { get; init; }

    public required string Repository { get; init; }

    public string Title { get; set; } = "";

    public string? Body { get; set; }

    public string Author { get; init; } = "alice";

    public List<string> Labels { get; } = [];

    public string State { get; set; } = "open";

    public bool IsPullRequest { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public DateTimeOffset UpdatedAt { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
