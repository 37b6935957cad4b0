namespace Nightshift.TestKit.Forges;

/// <summary>A pull request as the fake GitHub holds it.</summary>
public sealed class FakeGitHubPull
{
    public required int Number { get; init; }

    public required string Repository { get; init; }

    public required string Head { get; init; }

    public required string Base { get; init; }

    public required string Title { get; set; }

    public string? Body { get; set; }

    public bool Draft { get; init; }

    public List<string> Labels { get; } = [];

    public List<string> Reviewers { get; } = [];
}
