namespace Nightshift.Server.Auth;

/// <summary>Endpoint metadata: the scope a caller needs for the route (<see cref="ScopeEndpointExtensions.RequireScope{TBuilder}"/>).</summary>
public sealed record ScopeRequirement(string Scope);

/// <summary>Endpoint metadata: the route needs no caller (health, sign-in, forge webhooks that check their own signature).</summary>
public sealed class PublicRouteMarker
{
    public static PublicRouteMarker Instance { get; } = new();
}

/// <summary>Endpoint metadata: the route needs a caller, whatever their scopes (<c>GET /api/v1/me</c>, one's own tokens).</summary>
public sealed class AnyCallerMarker
{
    public static AnyCallerMarker Instance { get; } = new();
}

public static class ScopeEndpointExtensions
{
    /// <summary>
    /// Only callers with <paramref name="scope"/> (one of <see cref="Core.Teams.Scopes"/>) reach the route; others get 403.
    /// Every route needs this, <see cref="RequireCaller{TBuilder}"/> or <see cref="PublicRoute{TBuilder}"/>: a test fails for a route with neither.
    /// </summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder
    {
        if (!Core.Teams.Scopes.IsKnown(scope))
        {
            throw new ArgumentException($"'{scope}' is not one of the scopes in Nightshift.Core.Teams.Scopes", nameof(scope));
        }
        builder.WithMetadata(new ScopeRequirement(scope));
        return builder;
    }

    /// <summary>Any caller reaches the route, whatever their scopes; the route checks anything finer itself.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(AnyCallerMarker.Instance);
        return builder;
    }

    /// <summary>The route needs no caller; it must check whatever it relies on itself.</summary>
    public static TBuilder PublicRoute<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(PublicRouteMarker.Instance);
        return builder;
    }
}
