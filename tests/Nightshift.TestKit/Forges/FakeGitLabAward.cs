namespace Nightshift.TestKit.Forges;

/// <summary>An award emoji the fake GitLab stored.</summary>
/// <param name="Awardable">what it is on, as the route named it: "issues/5", "merge_requests/1", "issues/5/notes/12".</param>
public sealed record FakeGitLabAward(string Project, string Awardable, string Name, string User);
