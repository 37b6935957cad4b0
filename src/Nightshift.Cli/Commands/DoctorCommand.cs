using Nightshift.Cli.Doctor;

namespace Nightshift.Cli.Commands;

/// <summary><c>nightshift doctor</c>: checks what Nightshift needs and says what to fix; exits non-zero on any failure.</summary>
internal sealed class DoctorCommand(CommandContextFactory contexts, DoctorChecks checks)
    : NightshiftCommand("doctor", "Check git, bwrap, socat, the sandbox's limits, rg, ctags, the store, the server, model credentials and each configured forge's credentials", contexts)
{
    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>
        {
            await checks.GitAsync(cancellationToken),
            await checks.BubblewrapAsync(cancellationToken),
            await checks.SocatAsync(cancellationToken),
            DoctorChecks.Limits(),
            await checks.RipgrepAsync(cancellationToken),
            await checks.CtagsAsync(cancellationToken),
            await checks.StoreAsync(context.DataDirectory, cancellationToken),
            await DoctorChecks.ServerAsync(context.Client, cancellationToken),
            checks.ModelCredentials(),
        };
        results.AddRange(await ForgeChecks.RunAsync(context.DataDirectory, TimeProvider.System, cancellationToken));
        var failed = results.Count(r => r.Status == CheckStatus.Fail);
        var output = context.Output;
        if (output.Json)
        {
            output.WriteJson(new { ok = failed == 0, checks = results });
        }
        else
        {
            foreach (var result in results)
            {
                var label = result.Status switch { CheckStatus.Ok => "ok  ", CheckStatus.Warn => "warn", _ => "FAIL" };
                output.Text($"{label}  {result.Name,-7} {result.Detail}");
                if (result.Fix is not null)
                {
                    output.Text($"      {"",-7} fix: {result.Fix}");
                }
            }
            output.Text(failed == 0 ? "all required checks passed" : $"{failed} check(s) failed");
        }
        return failed == 0 ? ExitCodes.Ok : ExitCodes.TaskFailed;
    }
}
