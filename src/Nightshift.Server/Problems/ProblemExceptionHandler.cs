using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Nightshift.Core.Errors;

namespace Nightshift.Server.Problems;

/// <summary>Turns every exception that reaches the pipeline into RFC 7807 problem details; bad input never becomes a 500.</summary>
internal sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        IResult result = exception switch
        {
            ValidationException validation => Problem.Validation(validation.Errors, validation.Message),
            TaskNotFoundException notFound => Problem.NotFound(notFound.Message),
            Auth.ForbiddenException forbidden => Problem.Create(StatusCodes.Status403Forbidden, forbidden.Title, forbidden.Message),
            InvalidTransitionException transition => Problem.Conflict("the task cannot do that in its current state", transition.Message),
            LeaseLostException lost => Problem.Conflict("the task changed hands", lost.Message),
            ConflictException conflict => Problem.Conflict($"'{conflict.Field}' is already taken", conflict.Message),
            StoreConfigurationException store => Problem.Create(
                StatusCodes.Status503ServiceUnavailable, "the store is unavailable", store.Message),
            BadHttpRequestException bad => FromBadRequest(bad),
            JsonException json => FromJson(json),
            _ => Unexpected(httpContext, exception),
        };
        await result.ExecuteAsync(httpContext);
        return true;
    }

    private static IResult FromBadRequest(BadHttpRequestException exception)
    {
        if (exception.InnerException is JsonException json)
        {
            return FromJson(json);
        }
        return exception.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => Problem.Create(
                StatusCodes.Status413PayloadTooLarge,
                ProblemDefaults.TitleFor(StatusCodes.Status413PayloadTooLarge)!,
                ProblemDefaults.TooLarge),
            StatusCodes.Status415UnsupportedMediaType => Problem.Create(
                StatusCodes.Status415UnsupportedMediaType,
                ProblemDefaults.TitleFor(StatusCodes.Status415UnsupportedMediaType)!,
                "send the body as JSON with the header 'Content-Type: application/json'"),
            _ when exception.Message.Contains("was not provided", StringComparison.Ordinal)
                || exception.Message.Contains("no body was provided", StringComparison.Ordinal) => Problem.Create(
                StatusCodes.Status400BadRequest,
                "the request body is missing",
                "this route needs a JSON object as its body; see /openapi/v1.json for its fields"),
            _ => Problem.Create(exception.StatusCode, "the request cannot be read", exception.Message),
        };
    }

    private static IResult FromJson(JsonException exception)
    {
        if (UnmappedField(exception.Message) is { } unknown)
        {
            var says = ServerOwned.Contains(unknown)
                ? $"field '{unknown}' is set by the server, not by a request: remove it (a task's organisation is the caller's)"
                : $"field '{unknown}' is not one this route accepts: remove it; see /openapi/v1.json for the fields it takes";
            return Problem.Validation(new Dictionary<string, string[]> { [unknown] = [says] }, says);
        }
        var field = FieldName(exception.Path);
        var wrongType = exception.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal);
        string detail;
        if (wrongType && field is not null)
        {
            detail = $"field '{field}' has a value of the wrong type; see /openapi/v1.json for what each field takes";
        }
        else
        {
            var where = exception.LineNumber is { } line
                ? $" at line {line + 1}, byte {exception.BytePositionInLine + 1}"
                : "";
            detail = field is null
                ? $"the request body is not well-formed JSON{where}; fix the syntax and send it again"
                : $"the request body is not well-formed JSON{where}, in field '{field}'; fix the syntax and send it again";
        }
        var errors = new Dictionary<string, string[]> { [field ?? "body"] = [detail] };
        return Problem.Validation(errors, detail);
    }

    /// <summary>Fields the server owns on the things requests create or change (mass assignment).</summary>
    private static readonly HashSet<string> ServerOwned = new(
        ["orgId", "id", "createdAt", "updatedAt", "status", "userId", "tokenId", "attempt", "source", "origin"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>The property System.Text.Json refused as unknown (types marked to disallow unmapped members), shortened.</summary>
    private static string? UnmappedField(string message)
    {
        const string start = "The JSON property '";
        if (!message.StartsWith(start, StringComparison.Ordinal) || !message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return null;
        }
        var end = message.IndexOf("' could not be mapped", start.Length, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }
        var name = message[start.Length..end];
        return name.Length > 64 ? name[..64] + "…" : name;
    }

    private static string? FieldName(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private IResult Unexpected(HttpContext httpContext, Exception exception)
    {
        LogUnexpected(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        return Problem.Create(
            StatusCodes.Status500InternalServerError,
            "the server failed",
            $"something went wrong on the server while handling this request; the server log has the details (trace id {httpContext.TraceIdentifier})");
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled error for {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, Exception exception);
}
