namespace Nightshift.Cli.Api;

/// <summary>The server answered with an error status; <see cref="Problem"/> carries what it said.</summary>
internal sealed class ApiException(Problem problem, string? hint = null)
    : Exception(problem.Detail ?? problem.Title ?? $"the server answered {problem.Status}")
{
    public Problem Problem { get; } = problem;

    /// <summary>What the person can do about it, when the CLI knows more than the server (where the token is, …).</summary>
    public string? Hint { get; } = hint;
}
