using Nightshift.Server.Problems;

namespace Nightshift.Server.Teams;

/// <summary>Answers a <see cref="TeamRequestException"/> from a token, user or audit route with its problem (403, 404, 409).</summary>
internal static class TeamRequestFilter
{
    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (TeamRequestException refused)
        {
            return Problem.Create(refused.Status, refused.Title, refused.Message);
        }
    }
}
