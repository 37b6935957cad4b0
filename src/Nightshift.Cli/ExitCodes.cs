namespace Nightshift.Cli;

/// <summary>
/// Every exit status `nightshift` returns, in one place so scripts can rely on them; docs/cli.md lists the same table.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked (a followed task succeeded; every doctor check passed or only warned).</summary>
    public const int Ok = 0;

    /// <summary>A followed task ended without success (failed, needs_review, cancelled, timed_out), or a doctor check failed.</summary>
    public const int TaskFailed = 1;

    /// <summary>The command line or a value on it is unusable, or the server rejected the input (400, 413, 422).</summary>
    public const int Usage = 2;

    /// <summary>No server answered at the resolved URL.</summary>
    public const int ServerUnreachable = 3;

    /// <summary>No task has the given id (404), or a short id matched none.</summary>
    public const int NotFound = 4;

    /// <summary>The server refused the token (401/403).</summary>
    public const int Unauthorized = 5;

    /// <summary>The task's state does not allow the action (409), e.g. cancelling a finished task.</summary>
    public const int Conflict = 6;

    /// <summary>The server failed or is overloaded (5xx, 429), or answered something that is not the API.</summary>
    public const int ServerError = 7;

    /// <summary>`up` or `worker` could not start: the port is taken, the store cannot be opened, ….</summary>
    public const int StartFailed = 8;

    /// <summary>A bug in the command line itself; the message says what happened.</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted by Ctrl-C or SIGTERM before it finished (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>The exit status for an HTTP error status from the API.</summary>
    public static int ForHttpStatus(int status) => status switch
    {
        400 or 413 or 422 => Usage,
        401 or 403 => Unauthorized,
        404 => NotFound,
        409 => Conflict,
        _ => ServerError,
    };
}
