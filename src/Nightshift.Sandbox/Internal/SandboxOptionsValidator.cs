using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Sandbox.Internal;

internal sealed class SandboxOptionsValidator : IValidateOptions<SandboxOptions>
{
    private const int MaxReadyJails = 64;

    public ValidateOptionsResult Validate(string? name, SandboxOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.BwrapPath))
        {
            failures.Add("Sandbox:BwrapPath is empty; set it to 'bwrap' or the full path of bubblewrap");
        }
        if (options.DefaultTimeout <= TimeSpan.Zero || options.DefaultTimeout > options.MaxTimeout)
        {
            failures.Add($"Sandbox:DefaultTimeout must be above zero and at most Sandbox:MaxTimeout ({options.MaxTimeout}); it is {options.DefaultTimeout}");
        }
        failures.AddRange(new SettingChecks()
            .Range("Sandbox:DefaultMaxOutputChars", options.DefaultMaxOutputChars, 64, 64 << 20)
            .Range("Sandbox:MaxLineChars", options.MaxLineChars, 80, 1 << 20)
            .Range("Sandbox:ReadyJails", options.ReadyJails, 0, MaxReadyJails)
            .Failures);
        foreach (var path in options.ToolchainPaths ?? [])
        {
            if (!Path.IsPathFullyQualified(path ?? ""))
            {
                failures.Add($"Sandbox:ToolchainPaths entry '{path}' is not an absolute path");
            }
        }
        foreach (var entry in options.EtcEntries ?? [])
        {
            if (string.IsNullOrWhiteSpace(entry) || entry.Contains("..", StringComparison.Ordinal) || entry.StartsWith('/')
                || entry is "shadow" or "gshadow" or "passwd" or "group" or "sudoers" or "ssl" || entry.TrimEnd('/').StartsWith("ssl/private", StringComparison.Ordinal))
            {
                failures.Add($"Sandbox:EtcEntries entry '{entry}' is not allowed: give names relative to /etc, never shadow, gshadow, sudoers or ssl/private (use ssl/certs; passwd and group are the jail's own)");
            }
        }
        if (options.RequireCgroupLimits && !options.UseCgroups)
        {
            failures.Add("Sandbox:RequireCgroupLimits is on while Sandbox:UseCgroups is off, so no command could run; turn one of them around");
        }
        var network = options.Network ?? new NetworkCeilings();
        foreach (var (phase, policy) in new[] { ("Setup", network.Setup), ("Agent", network.Agent), ("Verify", network.Verify) })
        {
            if (!Enum.IsDefined(policy))
            {
                failures.Add($"Sandbox:Network:{phase} is '{policy}'; use Off or On");
            }
        }
        var egress = options.Egress ?? new Network.EgressOptions();
        foreach (var entry in egress.AllowPrivate ?? [])
        {
            if (Network.EgressAllowance.TryParse(entry, out var why) is null)
            {
                failures.Add($"Sandbox:Egress:AllowPrivate entry '{entry}' {why}; write an address or CIDR block, optionally with a port: 10.0.0.0/8, 127.0.0.1:8080, [fd00::1]:443");
            }
        }
        if (egress.MaxHeaderBytes is < 1024 or > (1 << 20))
        {
            failures.Add($"Sandbox:Egress:MaxHeaderBytes must be between 1024 and {1 << 20}; it is {egress.MaxHeaderBytes}");
        }
        if (egress.MaxConnections is < 1 or > 10_000)
        {
            failures.Add($"Sandbox:Egress:MaxConnections must be between 1 and 10000; it is {egress.MaxConnections}");
        }
        foreach (var (setting, value) in new[] { ("RequestTimeout", egress.RequestTimeout), ("ConnectTimeout", egress.ConnectTimeout), ("IdleTimeout", egress.IdleTimeout) })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(6))
            {
                failures.Add($"Sandbox:Egress:{setting} must be above zero and at most 6 hours; it is {value}");
            }
        }
        failures.AddRange(LimitProblems(options.DefaultLimits));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IReadOnlyList<string> LimitProblems(SandboxLimits? limits)
    {
        var checks = new SettingChecks();
        if (limits is null)
        {
            return checks.Fail("Sandbox:DefaultLimits", "is empty; remove it to take the defaults").Failures;
        }
        // A missing field means no limit; a present one must be a usable limit.
        checks.Range("Sandbox:DefaultLimits:CpuSeconds", limits.CpuSeconds ?? 1, 1, 7 * 24 * 3600)
            .Range("Sandbox:DefaultLimits:MemoryBytes", limits.MemoryBytes ?? (16L << 20), 16L << 20, long.MaxValue)
            .Range("Sandbox:DefaultLimits:AddressSpaceBytes", limits.AddressSpaceBytes ?? (64L << 20), 64L << 20, long.MaxValue)
            .Range("Sandbox:DefaultLimits:FileSizeBytes", limits.FileSizeBytes ?? 1024, 1024, long.MaxValue)
            .Range("Sandbox:DefaultLimits:OpenFiles", limits.OpenFiles ?? 64, 64, 1 << 20)
            .Range("Sandbox:DefaultLimits:Processes", limits.Processes ?? 8, 8, 1 << 22)
            .Range("Sandbox:DefaultLimits:TmpfsBytes", limits.TmpfsBytes ?? (1L << 20), 1L << 20, long.MaxValue);
        return checks.Failures;
    }
}
