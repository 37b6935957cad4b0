using System.Text.Json;
using Nightshift.Core.Serialization;
using Spectre.Console;

namespace Nightshift.Cli.Output;

/// <summary>
/// Where each kind of output goes: in JSON mode stdout carries JSON only and every human line goes to stderr.
/// </summary>
internal sealed class CliOutput
{
    private static readonly JsonSerializerOptions Compact = NightshiftJson.Options;
    private static readonly JsonSerializerOptions Indented = NightshiftJson.Indented;

    private readonly CliEnvironment environment;

    public CliOutput(CliEnvironment environment, OutputFormat format)
    {
        this.environment = environment;
        Format = format;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = environment.OutputIsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = environment.OutputIsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = environment.OutputIsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(environment.Out),
        });
        if (!environment.OutputIsTerminal)
        {
            // Piped tables are read by scripts and people with wide windows; wrapping at 80 columns helps neither.
            Console.Profile.Width = 200;
        }
    }

    /// <summary>Columns for plain text output when piped or redirected: what a reader or a log viewer shows without wrapping.</summary>
    public const int PipedWidth = 80;

    public OutputFormat Format { get; }

    /// <summary>How wide text may be: the terminal's width, or <see cref="PipedWidth"/> when stdout is not a terminal.</summary>
    public int Width => environment.OutputIsTerminal ? environment.TerminalWidth ?? Console.Profile.Width : PipedWidth;

    public bool Json => Format == OutputFormat.Json;

    /// <summary>Live displays only make sense for a person watching a terminal.</summary>
    public bool Live => !Json && environment.OutputIsTerminal;

    /// <summary>Rich output to stdout; only for text mode.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>A line for a person: stdout in text mode, stderr in JSON mode.</summary>
    public void Info(string line)
    {
        (Json ? environment.Error : environment.Out).WriteLine(line);
    }

    /// <summary>A line on stdout in text mode only (the JSON document says the same).</summary>
    public void Text(string line)
    {
        if (!Json)
        {
            environment.Out.WriteLine(line);
        }
    }

    /// <summary>Progress or advice that is not the command's result: always stderr.</summary>
    public void Note(string line) => environment.Error.WriteLine(line);

    public void Error(string line) => environment.Error.WriteLine(line);

    /// <summary>One JSON document on stdout, indented for the eye (still one parseable value).</summary>
    public void WriteJson(JsonElement value) => environment.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    public void WriteJson<T>(T value) => environment.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>One JSON value on one line, for streams read line by line.</summary>
    public void WriteJsonLine<T>(T value)
    {
        environment.Out.WriteLine(JsonSerializer.Serialize(value, Compact));
        environment.Out.Flush();
    }
}
