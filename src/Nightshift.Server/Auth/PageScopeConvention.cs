using System.Reflection;
using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace Nightshift.Server.Auth;

/// <summary>Turns a page model's <see cref="PageScopeAttribute"/> or <see cref="PublicPageAttribute"/> into endpoint metadata.</summary>
internal sealed class PageScopeConvention : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        var type = model.ModelType ?? model.HandlerType;
        if (type.GetCustomAttribute<PublicPageAttribute>() is not null)
        {
            model.EndpointMetadata.Add(PublicRouteMarker.Instance);
        }
        else if (type.GetCustomAttribute<PageScopeAttribute>() is { } scope)
        {
            model.EndpointMetadata.Add(new ScopeRequirement(scope.Scope));
        }
    }
}
