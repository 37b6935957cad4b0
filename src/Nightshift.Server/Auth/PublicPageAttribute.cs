namespace Nightshift.Server.Auth;

/// <summary>A dashboard page anyone may open (the sign-in page); it becomes the endpoint's <see cref="PublicRouteMarker"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class PublicPageAttribute : Attribute;
