using System.CommandLine;
using Nightshift.Cli.Connection;

namespace Nightshift.Cli.Commands;

internal sealed class CommandContextFactory(GlobalOptions options, CliEnvironment environment, ConnectionResolver resolver, HttpClient http)
{
    public CommandContext Create(ParseResult parseResult) => new(parseResult, options, environment, resolver, http);
}
