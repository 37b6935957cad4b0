namespace Nightshift.Server.Problems;

/// <summary>
/// Fills in the title and detail of problems the framework writes by itself (unknown route, wrong method, body too
/// large, not JSON), so that every error body says what to do next.
/// </summary>
internal static class ProblemDefaults
{
    public const string TooLarge =
        "the body is larger than this server accepts (Api:MaxRequestBodyBytes); send less — long material belongs in the repository, not the instruction";

    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var request = context.HttpContext.Request;
        if (string.IsNullOrEmpty(problem.Detail))
        {
            problem.Detail = status switch
            {
                StatusCodes.Status400BadRequest => "the request cannot be read; see /openapi/v1.json for what this route takes",
                StatusCodes.Status404NotFound => $"there is no route {request.Method} {Shorten(request.Path)}; the API lives under /api/v1 (see /openapi/v1.json)",
                StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {Shorten(request.Path)}; see /openapi/v1.json for the methods each route takes",
                StatusCodes.Status413PayloadTooLarge => TooLarge,
                StatusCodes.Status415UnsupportedMediaType => "send the body as JSON with the header 'Content-Type: application/json'",
                _ => $"the request failed with status {status}",
            };
            var title = TitleFor(status);
            if (title is not null)
            {
                problem.Title = title;
            }
        }
        // Never hand internals to the caller, whatever a future middleware attaches.
        problem.Extensions.Remove("exception");
    }

    public static string? TitleFor(int status) => status switch
    {
        StatusCodes.Status404NotFound => "not found",
        StatusCodes.Status405MethodNotAllowed => "method not allowed",
        StatusCodes.Status413PayloadTooLarge => "the request body is too large",
        StatusCodes.Status415UnsupportedMediaType => "the body is not JSON",
        _ => null,
    };

    private static string Shorten(PathString path)
    {
        var value = path.ToString();
        return value.Length <= 80 ? value : value[..80] + "…";
    }
}
