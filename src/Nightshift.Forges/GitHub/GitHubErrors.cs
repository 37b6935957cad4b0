using System.Globalization;
using System.Net.Http.Headers;
using Octokit;

namespace Nightshift.Forges.GitHub;

/// <summary>
/// Turns GitHub's refusals into <see cref="ForgeException"/>s a person can act on: which permission is missing
/// (GitHub's X-Accepted-GitHub-Permissions), which repository or branch is unknown, how long a rate limit lasts.
/// </summary>
internal static class GitHubErrors
{
    /// <summary>What a secondary rate limit without Retry-After asks for, per GitHub's REST reference.</summary>
    public static readonly TimeSpan SecondaryLimitWait = TimeSpan.FromSeconds(60);

    /// <param name="action">what was being done, e.g. "opening the pull request of branch x on o/r".</param>
    /// <param name="notFound">what a 404 means for this call and what to check.</param>
    public static ForgeException Describe(
        string forge, string action, string notFound, int status, Func<string, string?> header, string? apiMessage, TimeProvider time, Exception? inner = null)
    {
        var said = string.IsNullOrWhiteSpace(apiMessage) ? "" : $" (GitHub says: {Clean(apiMessage, 300)})";
        if (IsRateLimit(status, header, apiMessage))
        {
            var wait = RetryAfter(header, time) ?? SecondaryLimitWait;
            return new ForgeException(
                $"{action} failed: GitHub's rate limit for {forge} is used up{said}; it asks to wait {Seconds(wait)} s. Nightshift retries short waits by itself; otherwise retry the task later",
                429, wait, inner);
        }
        return status switch
        {
            401 => new ForgeException(
                $"{action} failed: GitHub refused the credential of {forge} (401){said}; it is wrong, expired or revoked: set a new one in {forge}:Token (or check {forge}:AppId and {forge}:PrivateKeyFile for an App)",
                status, null, inner),
            403 => new ForgeException(
                $"{action} failed: the credential of {forge} is not allowed to (403){said}; {MissingPermission(header)}",
                status, null, inner),
            404 => new ForgeException($"{action} failed: GitHub answered 404{said}: {notFound}", status, null, inner),
            409 or 422 => new ForgeException($"{action} failed: GitHub refused it ({status}){said}; check the branch names and the repository's settings", status, null, inner),
            >= 500 => new ForgeException($"{action} failed: GitHub answered {status}{said}; it is having trouble, so the task can be retried later", status, RetryAfter(header, time), inner),
            _ => new ForgeException($"{action} failed: GitHub answered {status}{said}", status, null, inner),
        };
    }

    public static ForgeException FromOctokit(ApiException error, string forge, string action, string notFound, TimeProvider time)
    {
        var headers = error.HttpResponse?.Headers;
        string? Header(string name) =>
            headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        var message = error.ApiError?.Message;
        if (error.ApiError?.Errors is { Count: > 0 } details)
        {
            message += ": " + string.Join("; ", details.Take(5).Select(d => d.Message ?? $"{d.Resource} {d.Field} {d.Code}".Trim()));
        }
        return Describe(forge, action, notFound, (int)error.StatusCode, Header, message, time, error);
    }

    public static ForgeException NoAnswer(string forge, Uri api, string action, Exception error) =>
        new($"{action} failed: no answer from GitHub at {api} ({Clean(error.Message, 200)}); check the network and {forge}:ApiUrl, then retry the task", null, null, error);

    public static Func<string, string?> HeadersOf(HttpResponseHeaders headers) =>
        name => headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static bool IsRateLimit(int status, Func<string, string?> header, string? apiMessage) =>
        status == 429
        || (status == 403 && (header("X-RateLimit-Remaining") == "0" || header("Retry-After") is not null
            || apiMessage?.Contains("rate limit", StringComparison.OrdinalIgnoreCase) == true));

    private static TimeSpan? RetryAfter(Func<string, string?> header, TimeProvider time)
    {
        if (header("Retry-After") is { } after && int.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, 86_400));
        }
        if (header("X-RateLimit-Remaining") == "0" && header("X-RateLimit-Reset") is { } reset
            && long.TryParse(reset, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(epoch, 0, 253_402_300_799)) - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : wait;
        }
        return null;
    }

    private static string MissingPermission(Func<string, string?> header)
    {
        var accepted = header("X-Accepted-GitHub-Permissions");
        if (string.IsNullOrWhiteSpace(accepted))
        {
            return "give the token (or the App) read and write access to the repository's contents and pull requests";
        }
        var wanted = string.Join(", ", accepted.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(10).Select(p => Clean(p, 60)));
        return $"GitHub asks for the permission {wanted}: give it to the fine-grained token (or the App) on this repository";
    }

    private static string Seconds(TimeSpan wait) => Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private static string Clean(string text, int max)
    {
        var line = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return line.Length > max ? line[..max] + "…" : line;
    }
}
