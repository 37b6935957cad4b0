namespace Nightshift.Server.Audit;

/// <summary>Where an audited request's target comes from.</summary>
internal enum AuditTarget
{
    /// <summary>Nothing in particular.</summary>
    None,

    /// <summary>The route's <c>id</c> value, else its last route value.</summary>
    Route,

    /// <summary>The last route value (a secret's name under an organisation).</summary>
    LastRouteValue,

    /// <summary>What was created: the last segment of the response's Location header (201, or a redirect to it).</summary>
    Created,

    /// <summary>The dashboard form's <c>endpoint</c> field (a webhook endpoint's id, never a value the person typed).</summary>
    EndpointField,
}
