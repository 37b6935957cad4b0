using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Cli.Commands;

namespace Nightshift.Cli;

/// <summary>Parses the arguments, reports usage errors with exit code 2, and runs the chosen command.</summary>
internal static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        await using var services = CliServices.Build(environment);
        var root = BuildRoot(services);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0 && parseResult.Action is not { ClearsParseErrors: true })
        {
            foreach (var error in parseResult.Errors)
            {
                await environment.Error.WriteLineAsync("error: " + error.Message);
            }
            var command = parseResult.CommandResult.Command;
            await environment.Error.WriteLineAsync("usage: " + Usage(command));
            await environment.Error.WriteLineAsync($"run '{Path(command)} --help' for every option");
            return ExitCodes.Usage;
        }
        var invocation = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,
            // Program wires Ctrl-C and SIGTERM into cancellationToken itself, so commands see one signal.
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(invocation, cancellationToken);
    }

    public static RootCommand BuildRoot(IServiceProvider services)
    {
        var root = new RootCommand("Nightshift: background coding agents — submit tasks, follow them, run the server");
        foreach (var option in services.GetRequiredService<GlobalOptions>().All)
        {
            root.Options.Add(option);
        }
        foreach (var command in services.GetServices<NightshiftCommand>())
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>A one-line synopsis, e.g. <c>nightshift submit --repo &lt;REPO&gt; &lt;instruction&gt; [options]</c>.</summary>
    public static string Usage(Command command)
    {
        var parts = new List<string> { Path(command) };
        if (command.Subcommands.Count > 0)
        {
            parts.Add("<command>");
        }
        parts.AddRange(command.Options.Where(o => o.Required).Select(o => $"{o.Name} <{o.HelpName ?? "VALUE"}>"));
        parts.AddRange(command.Arguments.Select(a => $"<{a.Name}>"));
        parts.Add("[options]");
        return string.Join(' ', parts);
    }

    private static string Path(Command command)
    {
        var names = new List<string>();
        for (Symbol? symbol = command; symbol is Command current; symbol = current.Parents.FirstOrDefault())
        {
            names.Insert(0, current is RootCommand ? "nightshift" : current.Name);
        }
        return string.Join(' ', names);
    }
}
