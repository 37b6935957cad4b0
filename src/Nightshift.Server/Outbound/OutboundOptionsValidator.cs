using System.Globalization;
using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;
using Nightshift.Core.Network;

namespace Nightshift.Server.Outbound;

/// <summary>Checks the <c>Outbound</c> section when the host starts.</summary>
internal sealed class OutboundOptionsValidator : IValidateOptions<OutboundOptions>
{
    public const int MaxAllowedHosts = 100;
    public const int MaxScheduleEntries = 20;

    public ValidateOptionsResult Validate(string? name, OutboundOptions options)
    {
        var checks = new SettingChecks()
            .Range("Outbound:Timeout", options.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5))
            .Range("Outbound:SweepInterval", options.SweepInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromHours(1))
            .Range("Outbound:PollInterval", options.PollInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(10))
            .Range("Outbound:MaxConcurrency", options.MaxConcurrency, 1, 1_000);
        var hosts = options.AllowedHosts ?? [];
        if (hosts.Count > MaxAllowedHosts)
        {
            checks.Fail("Outbound:AllowedHosts", $"has {hosts.Count} entries; give at most {MaxAllowedHosts} (use CIDR ranges to name many addresses at once)");
        }
        for (var i = 0; i < Math.Min(hosts.Count, MaxAllowedHosts); i++)
        {
            if (OutboundAddressPolicy.ProblemWith(hosts[i]) is { } problem)
            {
                checks.Fail($"Outbound:AllowedHosts:{i.ToString(CultureInfo.InvariantCulture)}", problem);
            }
        }
        if (options.RetrySchedule is { } schedule)
        {
            if (schedule.Count > MaxScheduleEntries)
            {
                checks.Fail("Outbound:RetrySchedule", $"has {schedule.Count} entries; give from 1 to {MaxScheduleEntries} waits (the first is normally 00:00:00, the first try at once)");
            }
            for (var i = 0; i < Math.Min(schedule.Count, MaxScheduleEntries); i++)
            {
                checks.Range($"Outbound:RetrySchedule:{i.ToString(CultureInfo.InvariantCulture)}", schedule[i], TimeSpan.Zero, TimeSpan.FromDays(7));
            }
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}
