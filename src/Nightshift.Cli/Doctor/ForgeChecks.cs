using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Cli.Output;
using Nightshift.Core.Text;
using Nightshift.Forges;
using Nightshift.Forges.Configuration;
using Nightshift.Server.Hosting;

namespace Nightshift.Cli.Doctor;

/// <summary>
/// The doctor's forge lines: the Forges section as the server would read it (appsettings.json in the data folder,
/// then NIGHTSHIFT__ variables), checked like at start, then one cheap authenticated call per configured forge.
/// </summary>
internal static class ForgeChecks
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    public static async Task<IReadOnlyList<CheckResult>> RunAsync(string dataDirectory, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ForgesOptions options;
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(dataDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
                .AddEnvironmentVariables(NightshiftHost.EnvironmentPrefix)
                .Build();
            options = new ForgesOptions();
            configuration.GetSection(ForgesOptions.SectionName).Bind(options);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or InvalidOperationException or IOException)
        {
            return [CheckResult.Fail("forges", $"the Forges section cannot be read: {SafeText.Clean(e.Message, 300)}", "fix appsettings.json in the data folder or the NIGHTSHIFT__Forges__* variables (see docs/configuration.md)")];
        }
        if (options.Count == 0)
        {
            return [CheckResult.Ok("forges", "none configured: pull requests stay records in the data folder (the local forge)")];
        }
        var validation = new ForgesOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            return [.. validation.Failures!.Select(f => CheckResult.Fail("forges", f, "fix the setting; the server refuses to start until then"))];
        }
        using var resolver = new ForgeResolver(new LocalForge(time), Microsoft.Extensions.Options.Options.Create(options), time, NullLoggerFactory.Instance);
        var results = new List<CheckResult>();
        foreach (var endpoint in resolver.Endpoints)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(ProbeTimeout);
            ForgeCheck check;
            try
            {
                check = await resolver.CheckAsync(endpoint, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                check = new ForgeCheck($"Forges:{endpoint.Name}", false, $"no answer from {endpoint.ApiUrl} within {ProbeTimeout.TotalSeconds:0} s");
            }
            results.Add(check.Ok
                ? CheckResult.Ok("forges", $"{check.Forge}: {check.Message}")
                : CheckResult.Fail("forges", $"{check.Forge}: {check.Message}", $"fix the credential in {check.Forge} (see the README's \"Publish to GitHub, GitLab or Gitea\")"));
        }
        return results;
    }
}
