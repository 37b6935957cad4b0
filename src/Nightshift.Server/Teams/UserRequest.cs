using Nightshift.Core.Teams;

namespace Nightshift.Server.Teams;

/// <summary>A checked <c>POST /api/v1/users</c> body.</summary>
internal sealed record UserRequest(string Name, TeamRole Role);
