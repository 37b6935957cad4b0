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
        failures.AddRange(NetworkCeilingsValidator.Problems(options.Network ?? new NetworkCeilings()));
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
        failures.AddRange(CredentialProblems(egress));
        failures.AddRange(LimitProblems(options.DefaultLimits));
        failures.AddRange(MaxLimitProblems(options.MaxLimits, options.DefaultLimits ?? SandboxLimits.Default, options.MaxTimeout));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static List<string> MaxLimitProblems(SandboxMaxLimits? max, SandboxLimits defaults, TimeSpan maxTimeout)
    {
        var failures = new List<string>();
        if (max is null)
        {
            failures.Add("Sandbox:MaxLimits is empty; remove it to keep Sandbox:DefaultLimits as the maxima");
            return failures;
        }
        var checks = new SettingChecks()
            .Range("Sandbox:MaxLimits:CpuSeconds", max.CpuSeconds ?? 1, 1, 7 * 24 * 3600)
            .Range("Sandbox:MaxLimits:MemoryBytes", max.MemoryBytes ?? (16L << 20), 16L << 20, long.MaxValue)
            .Range("Sandbox:MaxLimits:FileSizeBytes", max.FileSizeBytes ?? 1024, 1024, long.MaxValue)
            .Range("Sandbox:MaxLimits:Processes", max.Processes ?? 8, 8, 1 << 22)
            .Range("Sandbox:MaxLimits:TmpfsBytes", max.TmpfsBytes ?? (1L << 20), 1L << 20, long.MaxValue)
            .Range("Sandbox:MaxLimits:TaskCpuSeconds", max.TaskCpuSeconds ?? 1, 1, 365L * 24 * 3600)
            .Range("Sandbox:MaxLimits:TaskDiskBytes", max.TaskDiskBytes ?? (1L << 20), 1L << 20, long.MaxValue);
        failures.AddRange(checks.Failures);
        // A maximum below the operator's own default would cap every command that does not ask for anything.
        foreach (var (field, maximum, fallback) in new (string, long?, long?)[]
        {
            ("CpuSeconds", max.CpuSeconds, defaults.CpuSeconds),
            ("MemoryBytes", max.MemoryBytes, defaults.MemoryBytes),
            ("FileSizeBytes", max.FileSizeBytes, defaults.FileSizeBytes),
            ("Processes", max.Processes, defaults.Processes),
            ("TmpfsBytes", max.TmpfsBytes, defaults.TmpfsBytes),
        })
        {
            if (maximum is { } m && fallback is { } d && m < d)
            {
                failures.Add($"Sandbox:MaxLimits:{field} is {m}, below Sandbox:DefaultLimits:{field} ({d}); raise the maximum or lower the default");
            }
        }
        if (max.Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > maxTimeout))
        {
            failures.Add($"Sandbox:MaxLimits:Timeout must be above zero and at most Sandbox:MaxTimeout ({maxTimeout}); it is {timeout}");
        }
        if (max.TaskTimeout is { } task && (task < TimeSpan.FromSeconds(1) || task > TimeSpan.FromDays(7)))
        {
            failures.Add($"Sandbox:MaxLimits:TaskTimeout must be from 00:00:01 to 7.00:00:00; it is {task}");
        }
        return failures;
    }

    private static List<string> CredentialProblems(Network.EgressOptions egress)
    {
        var failures = new List<string>();
        var seen = new HashSet<(string, int)>();
        var credentials = egress.Credentials ?? [];
        for (var i = 0; i < credentials.Count; i++)
        {
            var setting = $"Sandbox:Egress:Credentials:{i}";
            if (credentials[i] is not { } entry)
            {
                failures.Add($"{setting} is empty; give Host and one of Value or Secret, or remove the entry");
                continue;
            }
            failures.AddRange(entry.Problems(setting));
            if (entry.Host is { } host && !seen.Add((host.TrimEnd('.').ToLowerInvariant(), entry.Port)))
            {
                failures.Add($"{setting} names {host}:{entry.Port} again; one credential per host and port");
            }
        }
        if (egress.CaFolder is { } folder && !Path.IsPathFullyQualified(folder))
        {
            failures.Add($"Sandbox:Egress:CaFolder '{folder}' is not an absolute path; give a folder of the worker's own, or remove it for <data>/egress-ca");
        }
        if (!string.IsNullOrWhiteSpace(egress.UpstreamCaFile))
        {
            if (!File.Exists(egress.UpstreamCaFile))
            {
                failures.Add($"Sandbox:Egress:UpstreamCaFile '{egress.UpstreamCaFile}' does not exist; give a PEM file of the extra roots to trust, or remove the setting");
            }
            else
            {
                try
                {
                    Network.Interception.UpstreamTrust.FromFile(egress.UpstreamCaFile);
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
                {
                    failures.Add($"Sandbox:Egress:UpstreamCaFile '{egress.UpstreamCaFile}' cannot be read as PEM certificates ({ex.Message}); give a file of '-----BEGIN CERTIFICATE-----' blocks");
                }
            }
        }
        return failures;
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
