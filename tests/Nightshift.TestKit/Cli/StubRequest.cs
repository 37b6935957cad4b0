namespace Nightshift.TestKit.Cli;

public sealed record StubRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body);
