using System.Net.Http.Headers;

namespace Nightshift.Forges.Rest;

/// <summary>What differs between forges in how a call is authenticated and how a refusal is explained.</summary>
/// <param name="Product">"GitLab", "Gitea": how messages name the forge.</param>
/// <param name="Authorize">puts the token on a request, in the header this forge reads.</param>
/// <param name="UnauthorizedHint">what to do when the token is not accepted at all (401).</param>
/// <param name="ForbiddenHint">which scope or role is missing when a call is refused (403).</param>
internal sealed record ForgeDialect(
    string Product,
    Action<HttpRequestHeaders, string> Authorize,
    string UnauthorizedHint,
    string ForbiddenHint);
