using System.Text;

namespace Nightshift.Cli.Commands.Secret;

/// <summary>
/// Where <c>nightshift secret set</c> reads a value: standard input when it is not a terminal (a pipe or a file), else a
/// prompt that does not echo. Never a command-line argument: those end up in shell history and in every process listing.
/// </summary>
internal static class SecretValueInput
{
    /// <summary>More than the server accepts, so an oversized value is refused with the server's message, not cut.</summary>
    public const int MaxChars = 64 * 1024;

    public static async Task<string> ReadAsync(CliEnvironment environment, string name, CancellationToken cancellationToken)
    {
        var value = environment.InputIsTerminal ? Prompt(environment, name) : await ReadAllAsync(environment.In, cancellationToken);
        // A value piped from a file or echo ends in a line break that is not part of it.
        if (value.EndsWith("\r\n", StringComparison.Ordinal))
        {
            value = value[..^2];
        }
        else if (value.EndsWith('\n'))
        {
            value = value[..^1];
        }
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new UsageException($"no value was given for {name}: pipe it in (nightshift secret set {name} < key.txt) or type it at the prompt");
        }
        return value;
    }

    private static async Task<string> ReadAllAsync(TextReader reader, CancellationToken cancellationToken)
    {
        var buffer = new char[8192];
        var text = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > MaxChars)
            {
                throw new UsageException($"the value on standard input is longer than {MaxChars} characters; a secret is at most 16 KB");
            }
        }
        return text.ToString();
    }

    private static string Prompt(CliEnvironment environment, string name)
    {
        environment.Error.Write($"value for {name} (not shown): ");
        environment.Error.Flush();
        var value = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                if (value.Length > 0)
                {
                    value.Length--;
                }
                continue;
            }
            if (!char.IsControl(key.KeyChar) && value.Length < MaxChars)
            {
                value.Append(key.KeyChar);
            }
        }
        environment.Error.WriteLine();
        return value.ToString();
    }
}
