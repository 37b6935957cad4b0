using System.Text.Json;

namespace Nightshift.Forges.Rest;

/// <summary>A forge's answer: its status, its JSON body (detached from any document), and a short detail for messages.</summary>
internal sealed record ForgeReply(int Status, JsonElement? Json, string Detail)
{
    public bool Success => Status is >= 200 and < 300;

    /// <summary>The elements of a JSON array answer; nothing for any other shape.</summary>
    public IEnumerable<JsonElement> Items =>
        Json is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    public string? String(string name) =>
        Json is { ValueKind: JsonValueKind.Object } o ? ForgeJson.String(o, name) : null;

    public long? Number(string name) =>
        Json is { ValueKind: JsonValueKind.Object } o ? ForgeJson.Number(o, name) : null;
}
