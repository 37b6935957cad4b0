namespace Nightshift.TestKit.Forges;

/// <summary>
/// A scripted answer for the next matching request(s): a status with headers and a JSON body, or, with
/// <see cref="Drop"/>, the connection closed without an answer.
/// </summary>
public sealed record FakeGitHubFailure(string Method, string PathPrefix, int Status, string Message = "scripted failure")
{
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public bool Drop { get; init; }

    /// <summary>How many matching requests get this answer.</summary>
    public int Times { get; init; } = 1;
}
