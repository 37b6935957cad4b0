using Microsoft.AspNetCore.Http.HttpResults;

namespace Nightshift.Server.Problems;

/// <summary>RFC 7807 bodies with a title and a detail a person can act on.</summary>
internal static class Problem
{
    public static ProblemHttpResult Create(int status, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);

    public static ProblemHttpResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "not found", detail);

    public static ProblemHttpResult Conflict(string title, string detail) => Create(StatusCodes.Status409Conflict, title, detail);

    public static ValidationProblem Validation(IReadOnlyDictionary<string, string[]> errors, string detail) =>
        TypedResults.ValidationProblem(errors, detail: detail, title: "the request has invalid fields");
}
