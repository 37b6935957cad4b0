using Nightshift.Cli.Api;
using Nightshift.Cli.Output;
using Nightshift.Core.Errors;
using Nightshift.Core.Text;

namespace Nightshift.Cli.Commands;

/// <summary>Turns a failure into "error: …" lines on stderr and the matching exit code.</summary>
internal static class ErrorReporter
{
    public static int Report(CliOutput output, Exception error, CancellationToken cancellationToken, string command)
    {
        switch (error)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                output.Error("interrupted");
                return ExitCodes.Interrupted;
            case UsageException usage:
                output.Error("error: " + usage.Message);
                WriteFieldErrors(output, usage.Errors);
                output.Error($"run 'nightshift {command} --help' for usage");
                return ExitCodes.Usage;
            case ValidationException validation:
                output.Error("error: the values given cannot be submitted:");
                WriteFieldErrors(output, validation.Errors);
                return ExitCodes.Usage;
            case ServerUnreachableException unreachable:
                output.Error("error: " + unreachable.Message);
                output.Error("start a server with `nightshift up` (or point --server / NIGHTSHIFT_SERVER at a running one)");
                return ExitCodes.ServerUnreachable;
            case ApiException api:
                // A validation problem's detail repeats its field errors; they are printed once, below a short title.
                var repeatsFields = api.Problem.Errors.Values.SelectMany(m => m).Any(m => m.Length > 0 && api.Message.Contains(m, StringComparison.Ordinal));
                output.Error("error: " + (repeatsFields
                    ? SafeText.Clean(api.Problem.Title ?? "the server refused the values given", 200) + ":"
                    : SafeText.Clean(api.Message, 2000)));
                WriteFieldErrors(output, api.Problem.Errors);
                if (api.Hint is not null)
                {
                    output.Error(api.Hint);
                }
                return ExitCodes.ForHttpStatus(api.Problem.Status);
            case TaskLookupException lookup:
                output.Error("error: " + lookup.Message);
                return lookup.ExitCode;
            case StartFailedException start:
                output.Error("error: " + start.Message);
                return ExitCodes.StartFailed;
            case ProtocolException protocol:
                output.Error("error: " + protocol.Message);
                return ExitCodes.ServerError;
            default:
                output.Error($"error: nightshift {command} failed unexpectedly: {error.GetType().Name}: {error.Message}");
                output.Error("this is a bug in the command line; please report it with the command you ran");
                return ExitCodes.InternalError;
        }
    }

    private static void WriteFieldErrors(CliOutput output, IReadOnlyDictionary<string, string[]> errors)
    {
        foreach (var (field, messages) in errors)
        {
            foreach (var message in messages)
            {
                output.Error($"  {SafeText.Clean(field, 100)}: {SafeText.Clean(message, 500)}");
            }
        }
    }
}
