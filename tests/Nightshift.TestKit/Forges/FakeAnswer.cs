using System.Text.Json.Nodes;

namespace Nightshift.TestKit.Forges;

/// <summary>What a fake forge's route answers.</summary>
public sealed record FakeAnswer(int Status, string Body, string ContentType = "application/json")
{
    public static FakeAnswer Json(int status, JsonNode? body) => new(status, body?.ToJsonString() ?? "null");

    public static FakeAnswer Message(int status, string message) => Json(status, new JsonObject { ["message"] = message });
}
