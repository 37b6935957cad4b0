using System.CommandLine;
using Nightshift.Cli.Api;
using Nightshift.Cli.Connection;
using Nightshift.Cli.Output;

namespace Nightshift.Cli.Commands;

/// <summary>What one invocation works with: where output goes and, on demand, a client for the server.</summary>
internal sealed class CommandContext(
    ParseResult parseResult,
    GlobalOptions options,
    CliEnvironment environment,
    ConnectionResolver resolver,
    HttpClient http)
{
    private NightshiftApiClient? client;

    public CliOutput Output { get; } = new(environment, options.FormatOf(parseResult));

    public CliEnvironment Environment => environment;

    /// <summary>--all-events: bookkeeping events are shown to people too (the JSON stream always has them).</summary>
    public bool AllEvents => parseResult.GetValue(options.AllEvents);

    public ParseResult ParseResult => parseResult;

    /// <summary>The token given with --token, if any (for `up`, the token the server should accept).</summary>
    public string? ExplicitToken => parseResult.GetValue(options.Token);

    public string DataDirectory => resolver.ResolveDataDirectory(parseResult.GetValue(options.Data));

    /// <exception cref="UsageException">the server URL or token given is unusable.</exception>
    public NightshiftApiClient Client => client ??= new NightshiftApiClient(
        http,
        resolver.Resolve(parseResult.GetValue(options.Data), parseResult.GetValue(options.Server), parseResult.GetValue(options.Token)));
}
