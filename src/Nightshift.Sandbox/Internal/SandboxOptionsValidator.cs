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
