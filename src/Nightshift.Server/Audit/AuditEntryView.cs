using System.Text.Json;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Audit;

/// <summary>One audit entry as the API and the JSON-lines export show it.</summary>
/// <param name="Detail">the entry's small JSON object, or null.</param>
internal sealed record AuditEntryView(
    long Number,
    string OrgId,
    DateTimeOffset At,
    string ActorId,
    string ActorName,
    string? TokenId,
    string Action,
    string? Target,
    int Outcome,
    string? Address,
    JsonElement? Detail)
{
    public static AuditEntryView From(AuditEntry entry) => new(
        entry.Number,
        entry.OrgId,
        entry.At,
        entry.ActorId,
        entry.ActorName,
        entry.TokenId,
        entry.Action,
        entry.Target,
        entry.Outcome,
        entry.Address,
        ParseDetail(entry.Detail));

    private static JsonElement? ParseDetail(string? detail)
    {
        if (string.IsNullOrWhiteSpace(detail))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(detail, new JsonDocumentOptions { MaxDepth = 16 });
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(detail);
        }
    }
}
