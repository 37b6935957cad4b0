using System.Text.Json.Nodes;

namespace Nightshift.TestKit.Forges;

/// <summary>One request a fake forge received, exactly as it arrived.</summary>
/// <param name="Path">the raw path, still percent-encoded (GitLab's "projects/group%2Fapp" stays so).</param>
/// <param name="Query">the raw query string without '?', or empty.</param>
public sealed record ForgeCall(
    int Number,
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body)
{
    /// <summary>The body parsed as JSON, or null when it is empty or not JSON.</summary>
    public JsonNode? Json
    {
        get
        {
            try
            {
                return Body.Length == 0 ? null : JsonNode.Parse(Body);
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>A query parameter's decoded value, or null.</summary>
    public string? QueryValue(string name)
    {
        foreach (var pair in Query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            if (key == name)
            {
                return equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            }
        }
        return null;
    }

    public override string ToString() => $"{Method} {Path}{(Query.Length == 0 ? "" : "?" + Query)}";
}
