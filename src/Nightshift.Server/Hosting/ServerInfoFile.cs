using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nightshift.Server.Hosting;

/// <summary><c>&lt;data&gt;/server.json</c>: how local clients find a running server.</summary>
public sealed record ServerInfoFile(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("pid")] int Pid)
{
    public const string FileName = "server.json";

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    /// <summary>Reads the file, or null when there is none or it cannot be parsed.</summary>
    public static ServerInfoFile? TryRead(string dataDirectory)
    {
        try
        {
            return JsonSerializer.Deserialize<ServerInfoFile>(File.ReadAllText(PathIn(dataDirectory)));
        }
        catch (Exception exception) when (exception is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
