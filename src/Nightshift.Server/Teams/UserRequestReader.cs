using System.Text.Json;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Teams;

/// <summary>Reads the user routes' bodies strictly; every refusal names the field and what to send instead.</summary>
internal static class UserRequestReader
{
    private const string Roles = "admin, member, viewer";
    private static readonly string[] CreateFields = ["name", "role"];
    private static readonly string[] PatchFields = ["role", "disabled"];
    private static readonly string[] ServerOwned = ["id", "orgId", "createdAt", "disabledAt", "oidc", "oidcIssuer", "oidcSubject", "scopes"];

    /// <exception cref="ValidationException">a field is missing, unknown, server-owned or invalid.</exception>
    public static UserRequest ReadCreate(JsonElement body)
    {
        var fields = JsonFields.Read(body, CreateFields, [.. ServerOwned, "disabled"]);
        var name = fields.String("name")?.Trim();
        if (!fields.Has("name"))
        {
            fields.Add("name", "is missing; give the person's (or automation's) name, such as \"Ada Lovelace\" or \"ci\"");
        }
        else if (name is not null)
        {
            if (name.Length == 0)
            {
                fields.Add("name", "is empty; give the person's (or automation's) name");
            }
            else if (name.Length > TeamUser.MaxNameLength)
            {
                fields.Add("name", $"is {name.Length} characters long; at most {TeamUser.MaxNameLength} are accepted");
            }
            else if (name.Any(char.IsControl))
            {
                fields.Add("name", "contains line breaks or control characters; keep it to one plain line");
            }
        }
        var role = Role(fields);
        if (!fields.Has("role"))
        {
            fields.Add("role", $"is missing; give one of: {Roles}");
        }
        fields.ThrowIfInvalid();
        return new UserRequest(name!, role!.Value);
    }

    /// <exception cref="ValidationException">a field is unknown, server-owned or invalid, or none is given.</exception>
    public static UserPatch ReadPatch(JsonElement body)
    {
        var fields = JsonFields.Read(body, PatchFields, [.. ServerOwned, "name"]);
        var role = Role(fields);
        var disabled = fields.Bool("disabled");
        fields.ThrowIfInvalid();
        if (role is null && disabled is null)
        {
            throw new ValidationException("body", $"names no field to change; send \"role\" ({Roles}) and/or \"disabled\" (true or false)");
        }
        return new UserPatch(role, disabled);
    }

    private static TeamRole? Role(JsonFields fields)
    {
        var text = fields.String("role");
        if (text is null)
        {
            return null;
        }
        // Exact names only: the role is a security boundary, so " Admin " is refused rather than guessed at.
        if (text is "admin" or "member" or "viewer" && TeamRoles.TryParse(text, out var role))
        {
            return role;
        }
        fields.Add("role", $"'{JsonFields.Clip(text)}' is not a role; give one of: {Roles}");
        return null;
    }
}
