namespace Nightshift.TestKit.Forges;

/// <summary>An issue the fake Gitea holds with its text, as the issue list shows it.</summary>
public sealed record FakeGiteaIssue(
    string Repository,
    long Number,
    string Title,
    string Body,
    string Author,
    IReadOnlyList<string> Labels,
    DateTimeOffset UpdatedAt,
    bool Open = true);
