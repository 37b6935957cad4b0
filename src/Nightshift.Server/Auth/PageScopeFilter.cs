using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Nightshift.Server.Auth;

/// <summary>
/// Checks a page handler's own <see cref="PageScopeAttribute"/> (approve needs <c>tasks:approve</c>, cancel
/// <c>tasks:write</c>, …) once the handler is chosen; the page's scope was checked by <see cref="CallerGate"/> already.
/// </summary>
internal sealed class PageScopeFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var scope = context.HandlerMethod?.MethodInfo.GetCustomAttribute<PageScopeAttribute>()?.Scope;
        if (scope is not null && context.HttpContext.CallerOrNull() is { } caller && !caller.Has(scope))
        {
            context.Result = new ContentResult
            {
                StatusCode = StatusCodes.Status403Forbidden,
                ContentType = "text/plain; charset=utf-8",
                Content = "Not allowed: " + CallerGate.Forbidden(caller, scope) + ".",
            };
            return Task.CompletedTask;
        }
        return next();
    }
}
