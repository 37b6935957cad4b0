using System.Diagnostics;
using System.Text.Json;

namespace Nightshift.Agent.RepoMap;

/// <summary>
/// Runs universal-ctags on the host over a list of files. ctags only reads the files: it is started with an
/// argument list (no shell), an empty environment, <c>--options=NONE</c> (no .ctags configuration from the
/// repository or home folder is read) and a timeout that kills it.
/// </summary>
internal static class CtagsRunner
{
    private static readonly HashSet<string> KeptKinds = new(StringComparer.Ordinal)
    {
        "class", "struct", "interface", "enum", "record", "trait", "function", "func", "method", "member", "type",
        "module", "implementation",
    };

    /// <summary>The absolute path of the ctags program, or null when it is not installed.</summary>
    public static string? Locate(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(program) ? program : null;
        }
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Symbols per relative path, or null when ctags failed or timed out (the caller falls back to patterns).</summary>
    public static async Task<Dictionary<string, List<RepoSymbol>>?> RunAsync(
        string ctags, string root, IReadOnlyList<string> relativePaths, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(ctags)
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        foreach (var argument in new[] { "--options=NONE", "--output-format=json", "--fields=+n", "--sort=no", "--excmd=number", "-f", "-", "-L", "-" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            if (!process.Start())
            {
                return null;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var symbols = new Dictionary<string, List<RepoSymbol>>(StringComparer.Ordinal);
        try
        {
            var errors = process.StandardError.ReadToEndAsync(deadline.Token);
            var feed = Task.Run(async () =>
            {
                // Fed on the side so a full stdout pipe cannot deadlock against a full stdin pipe.
                foreach (var path in relativePaths)
                {
                    await process.StandardInput.WriteAsync(path.AsMemory(), deadline.Token).ConfigureAwait(false);
                    await process.StandardInput.WriteAsync("\n".AsMemory(), deadline.Token).ConfigureAwait(false);
                }
                process.StandardInput.Close();
            }, deadline.Token);

            while (await process.StandardOutput.ReadLineAsync(deadline.Token).ConfigureAwait(false) is { } line)
            {
                Add(symbols, line);
            }
            await feed.ConfigureAwait(false);
            await errors.ConfigureAwait(false);
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return process.ExitCode == 0 ? symbols : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            return null;
        }
        catch (IOException)
        {
            Kill(process);
            return null;
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Kill(process);
            }
        }
    }

    private static void Add(Dictionary<string, List<RepoSymbol>> symbols, string line)
    {
        if (line.Length > 10_000 || !line.StartsWith('{'))
        {
            return;
        }
        try
        {
            using var document = JsonDocument.Parse(line);
            var tag = document.RootElement;
            if (!tag.TryGetProperty("_type", out var type) || type.GetString() != "tag"
                || !tag.TryGetProperty("path", out var pathElement) || pathElement.GetString() is not { } path
                || !tag.TryGetProperty("name", out var nameElement) || nameElement.GetString() is not { Length: > 0 } name
                || !tag.TryGetProperty("kind", out var kindElement) || kindElement.GetString() is not { } kind
                || !KeptKinds.Contains(kind))
            {
                return;
            }
            var lineNumber = tag.TryGetProperty("line", out var l) && l.TryGetInt32(out var n) ? n : 0;
            var scope = tag.TryGetProperty("scope", out var s) ? s.GetString() : null;
            kind = kind switch
            {
                "member" => "method",
                "func" => "function",
                "implementation" => "impl",
                _ => kind,
            };
            if (!symbols.TryGetValue(path, out var list))
            {
                symbols[path] = list = [];
            }
            if (list.Count < SourceReader.MaxSymbolsPerFile)
            {
                list.Add(new RepoSymbol(
                    SourceReader.Clean(name, SourceReader.MaxNameLength),
                    kind,
                    lineNumber,
                    scope is null ? null : SourceReader.Clean(scope, SourceReader.MaxNameLength)));
            }
        }
        catch (JsonException)
        {
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
