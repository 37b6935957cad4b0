using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>
/// The body of <c>POST /api/v1/runs</c>. A field that is not one of these (the server-owned <c>id</c>, <c>state</c>,
/// <c>branch</c>, <c>yaml</c>, …) is refused with a 400 naming it.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RunRequest
{
    /// <summary>A registered pipeline's name, else the name of <c>.nightshift/pipelines/NAME.yml</c> in the repository.</summary>
    public string? Pipeline { get; init; }

    /// <summary>The repository; default: the definition's <c>repo:</c>.</summary>
    public string? Repo { get; init; }

    public string? BaseBranch { get; init; }

    /// <summary>Values for the pipeline's inputs: strings (numbers and true/false are taken as their text).</summary>
    public Dictionary<string, JsonElement>? Inputs { get; init; }

    /// <summary>Also accepted as the <c>Idempotency-Key</c> header.</summary>
    public string? IdempotencyKey { get; init; }
}
