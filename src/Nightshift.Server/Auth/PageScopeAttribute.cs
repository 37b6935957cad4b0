namespace Nightshift.Server.Auth;

/// <summary>
/// The scope a dashboard page (on its page model) or one of its handlers (on the method) needs. The page's scope becomes
/// its endpoint's <see cref="ScopeRequirement"/>; a handler's is checked by <see cref="PageScopeFilter"/> once the handler
/// is chosen. A handler without one needs the page's.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, Inherited = false)]
internal sealed class PageScopeAttribute(string scope) : Attribute
{
    public string Scope { get; } = Core.Teams.Scopes.IsKnown(scope)
        ? scope
        : throw new ArgumentException($"'{scope}' is not one of the scopes in Nightshift.Core.Teams.Scopes", nameof(scope));
}
