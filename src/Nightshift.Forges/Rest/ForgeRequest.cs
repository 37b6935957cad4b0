using System.Text.Json.Nodes;

namespace Nightshift.Forges.Rest;

/// <summary>One REST call to a forge.</summary>
/// <param name="Path">relative to the API address, already escaped ("projects/group%2Fapp/merge_requests").</param>
/// <param name="What">what the call does, for messages: "open a merge request in group/app".</param>
/// <param name="NotFoundHint">what a 404 means for this call and what to check.</param>
/// <param name="Replayable">false when sending the call twice would do its work twice (a comment): then a call whose
/// answer was lost is not sent again.</param>
/// <param name="Expected">statuses besides 2xx the caller handles itself (a 409 that means "already exists").</param>
internal sealed record ForgeRequest(
    HttpMethod Method,
    string Path,
    JsonNode? Body,
    string What,
    string NotFoundHint,
    bool Replayable = true,
    IReadOnlyCollection<int>? Expected = null);
