using Nightshift.Core.Teams;

namespace Nightshift.Server.Teams;

/// <summary>A checked <c>PATCH /api/v1/users/{id}</c> body; null leaves a field as it is.</summary>
internal sealed record UserPatch(TeamRole? Role, bool? Disabled);
