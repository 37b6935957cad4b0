using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Nightshift.Core.Configuration;
using Nightshift.Server.Auth;
using Nightshift.Server.Hosting;

namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift up</c>: API + worker in one process on the embedded store, until Ctrl-C or SIGTERM.</summary>
internal sealed class UpCommand : NightshiftCommand
{
    private readonly Option<string[]> urls = new("--urls")
    {
        Description = $"Where to listen (default {NightshiftServerOptions.DefaultUrl}); port 0 picks a free one; several separated by ';'",
        HelpName = "URLS",
    };

    private readonly Option<int?> workers = new("--workers", "-w")
    {
        Description = "Tasks this process runs at once (default 2; 0 serves the API only)",
        HelpName = "N",
    };

    private readonly Option<bool> verbose = new("--verbose", "-v") { Description = "Also show the web framework's informational log lines" };

    private readonly Option<string[]> allowRepo = AllowRepoOption.Create();

    private readonly Option<bool> printToken = new("--print-token")
    {
        Description = "Print the dashboard's sign-in link (it holds the API token) even when stdout is not a terminal",
    };

    public UpCommand(CommandContextFactory contexts) : base("up", "Run the server: API, dashboard and a worker, on the embedded store", contexts)
    {
        Options.Add(urls);
        Options.Add(workers);
        Options.Add(verbose);
        Options.Add(allowRepo);
        Options.Add(printToken);
    }

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var parse = context.ParseResult;
        var output = context.Output;
        var listen = (parse.GetValue(urls) ?? [])
            .SelectMany(u => u.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        var slots = parse.GetValue(workers) ?? 2;
        var allowedRoots = AllowRepoOption.Resolve(parse.GetValue(allowRepo));
        var options = new NightshiftServerOptions
        {
            DataDirectory = context.DataDirectory,
            Database = context.Environment.GetVariable(NightshiftPaths.DatabaseVariable),
            Urls = listen.Count == 0 ? [NightshiftServerOptions.DefaultUrl] : listen,
            WorkerSlots = slots,
            RunWorker = slots > 0,
            Token = context.ExplicitToken,
            // In JSON mode stdout carries one JSON object; the token stays in its file.
            WriteConsoleMessages = !output.Json,
            AllowedRepositoryRoots = allowedRoots,
        };
        await using var app = ServerLifetime.Build(() => NightshiftHost.BuildServer(options, ServerLifetime.QuietFramework(parse.GetValue(verbose))));
        await ServerLifetime.StartAsync(app, cancellationToken);

        var url = app.Urls.Select(u => u.Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal).Replace("://[::]:", "://127.0.0.1:", StringComparison.Ordinal)).FirstOrDefault() ?? "";
        var tokenFile = options.Token is null ? NightshiftPaths.TokenFile(options.DataDirectory) : null;
        if (output.Json)
        {
            output.WriteJsonLine(new { url, dashboard = url + "/", dataDirectory = options.DataDirectory, tokenFile, workerSlots = options.RunWorker ? slots : 0, pid = Environment.ProcessId });
        }
        else
        {
            output.Text($"API: {url}/api/v1 — send 'Authorization: Bearer <token>'; " + (tokenFile is null ? "the token is the one given with --token" : $"the token is in {tokenFile}"));
            // stdout of a service or a redirected run is kept in journals and files: the link with the token goes only to a person's terminal.
            var showLink = context.Environment.OutputIsTerminal || parse.GetValue(printToken);
            output.Text(DashboardLine(url, options.Token, tokenFile, showLink));
            output.Text($"data: {options.DataDirectory} · worker slots: {(options.RunWorker ? slots : 0)}");
            if (options.RunWorker && app.Services.GetService(typeof(Sandbox.BubblewrapSandbox)) is Sandbox.BubblewrapSandbox sandbox)
            {
                output.Text($"sandbox limits: {sandbox.LimitsInForce}");
            }
            output.Text($"try: nightshift submit --data {options.DataDirectory} --repo <repo> \"what to change\" --follow");
            output.Text("stop with Ctrl-C (running tasks are given back to the queue)");
        }
        await app.WaitForShutdownAsync(cancellationToken);
        output.Note("server stopped");
        return ExitCodes.Ok;
    }

    /// <summary>A link that signs a browser in at once; the token rides in the fragment, which no server or proxy log sees.</summary>
    private static string DashboardLine(string url, string? explicitToken, string? tokenFile, bool showLink)
    {
        if (!showLink)
        {
            var where = tokenFile is null ? "the token given with --token"
                : File.Exists(tokenFile) ? $"the token in {tokenFile}"
                : "the token configured as Auth:Token";
            return $"dashboard: {url}/ — sign in with {where} (a sign-in link is printed only to a terminal, or with --print-token)";
        }
        var token = explicitToken;
        if (token is null && tokenFile is not null && File.Exists(tokenFile))
        {
            token = File.ReadAllText(tokenFile).Trim();
        }
        return string.IsNullOrEmpty(token)
            ? $"dashboard: {url}/ — sign in with the token configured as Auth:Token"
            : $"dashboard: {SignInLink.WithToken(url, token)} (this link signs a browser in; keep it private)";
    }
}
