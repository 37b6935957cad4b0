using Nightshift.Cli;
using Nightshift.TestKit.Cli;

namespace Nightshift.Cli.Tests;

/// <summary>Runs the command line in this process with its own console and environment (fast; no child process).</summary>
internal sealed class InProcessCli : IDisposable
{
    public InProcessCli()
    {
        DataDirectory = Directory.CreateTempSubdirectory("ns-cli-").FullName;
        Variables["NIGHTSHIFT_DATA"] = DataDirectory;
    }

    public string DataDirectory { get; }

    public Dictionary<string, string?> Variables { get; } = new(StringComparer.Ordinal);

    public async Task<CliResult> RunAsync(params string[] args) => await RunWithInputAsync(null, args);

    public async Task<CliResult> RunWithInputAsync(string? stdin, params string[] args) => await RunCoreAsync(stdin, TestKit.TestDefaults.TimeoutToken(), args);

    /// <summary>Runs with a token the test cancels, as Ctrl-C would.</summary>
    public async Task<CliResult> RunUntilAsync(CancellationToken interrupt, params string[] args) => await RunCoreAsync(null, interrupt, args);

    private async Task<CliResult> RunCoreAsync(string? stdin, CancellationToken interrupt, string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var environment = new CliEnvironment
        {
            Out = stdout,
            Error = stderr,
            In = new StringReader(stdin ?? ""),
            OutputIsTerminal = false,
            GetVariable = name => Variables.GetValueOrDefault(name),
        };
        var code = await CliApp.RunAsync(args, environment, interrupt);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
