using Nightshift.Server.Oidc;

namespace Nightshift.Server.Tests.Oidc;

internal static class OidcOptionsExtensions
{
    /// <summary>The options after <paramref name="change"/>, for one-line variations of a valid set.</summary>
    public static OidcOptions With(this OidcOptions options, Action<OidcOptions> change)
    {
        change(options);
        return options;
    }
}
