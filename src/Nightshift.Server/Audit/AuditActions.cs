using System.Text;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Nightshift.Server.Audit;

/// <summary>
/// The table from a state-changing route (method and pattern, or dashboard page and handler) to its audit action. A
/// mutating route not in the table is still recorded, as <c>http.&lt;method&gt;</c> with its pattern in the detail; a
/// test fails for any route of the endpoint data source that the table does not name.
/// </summary>
internal static class AuditActions
{
    private static readonly Dictionary<string, AuditAction> Api = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/tasks"] = new("task.submit", AuditTarget.Created),
        ["POST /api/v1/tasks/{}/cancel"] = new("task.cancel", AuditTarget.Route),
        ["POST /api/v1/tasks/{}/retry"] = new("task.retry", AuditTarget.Route),
        ["POST /api/v1/tasks/{}/approve"] = new("task.approve", AuditTarget.Route),
        ["POST /api/v1/tasks/{}/reject"] = new("task.reject", AuditTarget.Route),
        ["POST /api/v1/tasks/{}/messages"] = new("task.message", AuditTarget.Route),
        ["POST /api/v1/tokens"] = new("token.create", AuditTarget.Created),
        ["DELETE /api/v1/tokens/{}"] = new("token.revoke", AuditTarget.Route),
        ["POST /api/v1/users"] = new("user.create", AuditTarget.Created),
        ["PATCH /api/v1/users/{}"] = new("user.update", AuditTarget.Route),
        ["POST /api/v1/orgs"] = new("org.create", AuditTarget.Created),
        ["PATCH /api/v1/orgs/{}"] = new("org.update", AuditTarget.Route),
        ["POST /api/v1/orgs/{}/kill"] = new("org.kill", AuditTarget.Route),
        ["PUT /api/v1/orgs/{}/secrets/{}"] = new("secret.put", AuditTarget.LastRouteValue),
        ["DELETE /api/v1/orgs/{}/secrets/{}"] = new("secret.delete", AuditTarget.LastRouteValue),
        ["POST /api/v1/webhooks"] = new("webhook.create", AuditTarget.Created),
        ["PATCH /api/v1/webhooks/{}"] = new("webhook.update", AuditTarget.Route),
        ["DELETE /api/v1/webhooks/{}"] = new("webhook.delete", AuditTarget.Route),
        ["POST /api/v1/webhooks/{}/secrets"] = new("webhook.rotate", AuditTarget.Route),
        ["DELETE /api/v1/webhooks/{}/secrets/{}"] = new("webhook.retire-secret", AuditTarget.Route),
        ["POST /api/v1/webhooks/{}/deliveries/{}/redeliver"] = new("webhook.redeliver", AuditTarget.Route),
        ["POST /api/v1/pipelines"] = new("pipeline.save", AuditTarget.Created),
        ["POST /api/v1/pipelines/validate"] = new("pipeline.validate", AuditTarget.None),
        ["DELETE /api/v1/pipelines/{}"] = new("pipeline.delete", AuditTarget.Route),
        ["POST /api/v1/runs"] = new("run.start", AuditTarget.Created),
        ["POST /api/v1/runs/{}/cancel"] = new("run.cancel", AuditTarget.Route),
        ["POST /api/v1/runs/{}/steps/{}/approve"] = new("step.approve", AuditTarget.Route),
        ["POST /api/v1/runs/{}/steps/{}/reject"] = new("step.reject", AuditTarget.Route),
    };

    // Dashboard form posts: page route and handler name (lowercase; "" for the page's OnPost).
    private static readonly Dictionary<string, AuditAction> Pages = new(StringComparer.Ordinal)
    {
        ["/signin "] = new("session.signin", AuditTarget.None),
        ["/signin signout"] = new("session.signout", AuditTarget.None),
        ["/tasks/new "] = new("task.submit", AuditTarget.Created),
        ["/tasks/{} approve"] = new("task.approve", AuditTarget.Route),
        ["/tasks/{} reject"] = new("task.reject", AuditTarget.Route),
        ["/tasks/{} say"] = new("task.message", AuditTarget.Route),
        ["/tasks/{} cancel"] = new("task.cancel", AuditTarget.Route),
        ["/tasks/{} retry"] = new("task.retry", AuditTarget.Route),
        ["/webhooks add"] = new("webhook.create", AuditTarget.None),
        ["/webhooks redeliver"] = new("webhook.redeliver", AuditTarget.EndpointField),
        ["/webhooks enable"] = new("webhook.enable", AuditTarget.EndpointField),
        ["/webhooks disable"] = new("webhook.disable", AuditTarget.EndpointField),
        ["/webhooks remove"] = new("webhook.delete", AuditTarget.EndpointField),
        ["/pipelines run"] = new("run.start", AuditTarget.Created),
        ["/runs/{} approve"] = new("step.approve", AuditTarget.Route),
        ["/runs/{} reject"] = new("step.reject", AuditTarget.Route),
        ["/runs/{} cancel"] = new("run.cancel", AuditTarget.Route),
    };

    /// <summary>Every action name the table gives, for the documentation and its test.</summary>
    public static IReadOnlyList<string> Names => [.. Api.Values.Concat(Pages.Values).Select(a => a.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public static bool IsMutating(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    /// <returns>the API route's action, or null when the table does not name it.</returns>
    public static AuditAction? ForApi(string method, RoutePattern pattern) =>
        Api.GetValueOrDefault(method.ToUpperInvariant() + " " + Shape(pattern));

    /// <returns>the dashboard page handler's action, or null when the table does not name it.</returns>
    public static AuditAction? ForPage(RoutePattern pattern, string? handler) =>
        Pages.GetValueOrDefault(Shape(pattern) + " " + (handler ?? "").Trim().ToLowerInvariant());

    /// <summary>The unnamed action of a mutating route: <c>http.post</c>, <c>http.delete</c>, ….</summary>
    public static AuditAction Fallback(string method) => new("http." + method.ToLowerInvariant(), AuditTarget.Route);

    /// <summary>
    /// The route's shape without parameter names or constraints: <c>/api/v1/tasks/{id:guid}/</c> is <c>/api/v1/tasks/{}</c>,
    /// so a renamed parameter does not lose its action.
    /// </summary>
    public static string Shape(RoutePattern pattern)
    {
        var shape = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            shape.Append('/');
            if (segment.Parts is [RoutePatternLiteralPart literal])
            {
                shape.Append(literal.Content.ToLowerInvariant());
            }
            else
            {
                shape.Append("{}");
            }
        }
        return shape.Length == 0 ? "/" : shape.ToString();
    }
}
