using System.Text.Json;
using Nightshift.Core.Configuration;
using Nightshift.Server.Hosting;

namespace Nightshift.Cli.Connection;

/// <summary>
/// Finds the server and the token: <c>--server</c>, else <c>NIGHTSHIFT_SERVER</c>, else the url in
/// <c>&lt;data&gt;/server.json</c>, else the default; <c>--token</c>, else <c>NIGHTSHIFT_TOKEN</c>, else <c>&lt;data&gt;/token</c>.
/// </summary>
internal sealed class ConnectionResolver(CliEnvironment environment)
{
    public const string ServerVariable = "NIGHTSHIFT_SERVER";
    public const string TokenVariable = "NIGHTSHIFT_TOKEN";
    public const string DefaultUrl = NightshiftServerOptions.DefaultUrl;

    // The files are ours, but a hostile or corrupt one must not make the CLI read gigabytes.
    private const int MaxFileBytes = 64 * 1024;

    public string ResolveDataDirectory(string? option) => NightshiftPaths.ResolveDataDirectory(option, environment.GetVariable);

    /// <exception cref="UsageException">the chosen URL or token is unusable.</exception>
    public ServerConnection Resolve(string? dataOption, string? serverOption, string? tokenOption)
    {
        var data = ResolveDataDirectory(dataOption);
        var (url, urlSource) = ResolveUrl(data, serverOption);
        var (token, tokenSource) = ResolveToken(data, tokenOption);
        return new ServerConnection(url, urlSource, token, tokenSource, data);
    }

    private (Uri Url, string Source) ResolveUrl(string data, string? option)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return (ParseUrl(option, "--server"), "--server");
        }
        var fromEnvironment = environment.GetVariable(ServerVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (ParseUrl(fromEnvironment, ServerVariable), ServerVariable);
        }
        var serverFile = ServerInfoFile.PathIn(data);
        var fromFile = ReadServerFile(serverFile);
        if (fromFile is not null)
        {
            return (fromFile, serverFile);
        }
        return (new Uri(DefaultUrl), "the default");
    }

    private (string? Token, string Source) ResolveToken(string data, string? option)
    {
        if (option is not null)
        {
            return (CheckToken(option, "--token"), "--token");
        }
        var fromEnvironment = environment.GetVariable(TokenVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (CheckToken(fromEnvironment, TokenVariable), TokenVariable);
        }
        var tokenFile = NightshiftPaths.TokenFile(data);
        var text = ReadSmallFile(tokenFile);
        if (text is null)
        {
            return (null, "none (no --token, no " + TokenVariable + ", no " + tokenFile + ")");
        }
        var token = text.Trim();
        return token.Length == 0 || !IsHeaderSafe(token) ? (null, tokenFile + " (unusable: empty or not a token)") : (token, tokenFile);
    }

    private static string CheckToken(string token, string source)
    {
        var trimmed = token.Trim();
        if (trimmed.Length == 0 || trimmed.Length > 4096 || !IsHeaderSafe(trimmed))
        {
            throw new UsageException($"the token from {source} is unusable: it must be printable text without spaces, as written in the server's token file");
        }
        return trimmed;
    }

    private static bool IsHeaderSafe(string token) => token.All(c => c is > ' ' and < (char)127);

    /// <exception cref="UsageException">not an absolute http(s) URL.</exception>
    public static Uri ParseUrl(string value, string source)
    {
        var trimmed = value.Trim();
        if (trimmed.Length > 2048
            || !Uri.TryCreate(trimmed, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(url.UserInfo))
        {
            throw new UsageException($"the server URL from {source} is not usable: give an http(s) URL such as {DefaultUrl}");
        }
        // Relative API paths are resolved against the base, which must end in a slash to keep its own path.
        return url.AbsolutePath.EndsWith('/') ? url : new Uri(url.GetLeftPart(UriPartial.Path) + "/");
    }

    private static Uri? ReadServerFile(string path)
    {
        var text = ReadSmallFile(path);
        if (text is null)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("url", out var url)
                && url.ValueKind == JsonValueKind.String)
            {
                return ParseUrl(url.GetString()!, path);
            }
        }
        catch (JsonException)
        {
        }
        catch (UsageException)
        {
        }
        // A stale or damaged server.json is not worth failing over: the default still gets a clear message if nothing answers.
        return null;
    }

    private static string? ReadSmallFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxFileBytes)
            {
                return null;
            }
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
