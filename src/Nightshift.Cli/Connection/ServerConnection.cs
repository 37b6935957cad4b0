namespace Nightshift.Cli.Connection;

/// <summary>Where the server is and how to prove who we are, with where each came from (for messages).</summary>
internal sealed record ServerConnection(Uri BaseUrl, string UrlSource, string? Token, string TokenSource, string DataDirectory)
{
    public string TokenFile => Core.Configuration.NightshiftPaths.TokenFile(DataDirectory);
}
