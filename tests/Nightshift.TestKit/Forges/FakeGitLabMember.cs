namespace Nightshift.TestKit.Forges;

/// <summary>A project member of the fake GitLab: 10 guest, 20 reporter, 30 developer, 40 maintainer, 50 owner.</summary>
public sealed record FakeGitLabMember(string Project, string Username, long UserId, int AccessLevel, string State = "active");
