namespace Nightshift.Cli;

/// <summary>
/// What the command line reads from and writes to, so the same code runs as a process and inside tests.
/// </summary>
internal sealed record CliEnvironment
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>True when stdin is a terminal (a person typing): a question can be asked, and a secret is asked for with a prompt that does not echo.</summary>
    public bool InputIsTerminal { get; init; }

    /// <summary>True when stdout is a terminal: live displays and colours are used only then.</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>The terminal's width in columns when stdout is one and it can be read.</summary>
    public int? TerminalWidth { get; init; }

    public Func<string, string?> GetVariable { get; init; } = _ => null;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the current user's files live; the default data folder hangs off it.</summary>
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    public static CliEnvironment FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        InputIsTerminal = !Console.IsInputRedirected,
        OutputIsTerminal = !Console.IsOutputRedirected,
        TerminalWidth = Console.IsOutputRedirected ? null : ReadTerminalWidth(),
        GetVariable = Environment.GetEnvironmentVariable,
    };

    private static int? ReadTerminalWidth()
    {
        try
        {
            return Console.WindowWidth is > 0 and var width ? width : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }
}
