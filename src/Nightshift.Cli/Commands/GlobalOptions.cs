using System.CommandLine;
using Nightshift.Cli.Output;

namespace Nightshift.Cli.Commands;

/// <summary>Options every command accepts (declared once on the root, recursive).</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Data { get; } = new("--data")
    {
        Description = "Data folder (default: NIGHTSHIFT_DATA, else ~/.local/share/nightshift)",
        HelpName = "DIR",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write JSON only to stdout (human text goes to stderr); same as --format json",
        Recursive = true,
    };

    public Option<string?> Format { get; } = new("--format")
    {
        Description = "Output format: text or json",
        HelpName = "text|json",
        Recursive = true,
    };

    public Option<string?> Server { get; } = new("--server")
    {
        Description = "Server URL (default: NIGHTSHIFT_SERVER, else <data>/server.json, else http://127.0.0.1:7700)",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "API token (default: NIGHTSHIFT_TOKEN, else <data>/token)",
        HelpName = "TOKEN",
        Recursive = true,
    };

    public Option<bool> AllEvents { get; } = new("--all-events")
    {
        Description = "Show bookkeeping events too (task.checkpoint, model.request, plan.partial, network.allowed) in the live view and logs; --json always has every event",
        Recursive = true,
    };

    public GlobalOptions()
    {
        Format.AcceptOnlyFromAmong("text", "json");
    }

    public IEnumerable<Option> All => [Data, Json, Format, Server, Token, AllEvents];

    public OutputFormat FormatOf(ParseResult parseResult) =>
        parseResult.GetValue(Json) || string.Equals(parseResult.GetValue(Format), "json", StringComparison.OrdinalIgnoreCase)
            ? OutputFormat.Json
            : OutputFormat.Text;
}
