using Nightshift.Core.Teams;

namespace Nightshift.Server.Auth;

/// <summary>The <see cref="Core.Teams.Caller"/> of a request, set by authentication before any route runs.</summary>
public static class CallerContext
{
    /// <summary>Who is asking. Every route that is not public has one.</summary>
    /// <exception cref="InvalidOperationException">the route is public, so nobody was authenticated.</exception>
    public static Caller Caller(this HttpContext context) =>
        context.Features.Get<CallerFeature>()?.Caller
        ?? throw new InvalidOperationException("this request has no caller: the route is public or authentication did not run");

    /// <summary>Who is asking, or null on a public route.</summary>
    public static Caller? CallerOrNull(this HttpContext context) => context.Features.Get<CallerFeature>()?.Caller;

    internal static void SetCaller(this HttpContext context, Caller caller) => context.Features.Set(new CallerFeature(caller));

    internal sealed record CallerFeature(Caller Caller);
}
