using Nightshift.Core.Teams;

namespace Nightshift.Server.Oidc;

/// <summary>Who the identity provider says signed in, mapped onto Nightshift: the user key (issuer, subject), a name, a role and an organisation.</summary>
internal sealed record OidcIdentity(string Issuer, string Subject, string Name, TeamRole Role, string OrgId);
