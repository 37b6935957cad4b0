using Nightshift.Core.Errors;

namespace Nightshift.Sandbox.Internal;

/// <summary>Checks a <see cref="CommandSpec"/> as hostile input and resolves it against the options.</summary>
internal static class SpecValidator
{
    private const int MaxArguments = 4096;
    private const int MaxArgvChars = 1 << 20;
    private const int MaxVariables = 256;
    private const int MaxValueChars = 32 * 1024;
    private const int MinOutputChars = 64;
    private const int MaxOutputChars = 64 << 20;

    public static PreparedCommand Prepare(CommandSpec spec, SandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }

        if (spec.Argv.Count == 0 || string.IsNullOrEmpty(spec.Argv[0]))
        {
            Fail("argv", "is empty; give the program to run, or use CommandSpec.Shell(script)");
        }
        if (spec.Argv.Count > MaxArguments)
        {
            Fail("argv", $"has {spec.Argv.Count} arguments; at most {MaxArguments} are accepted");
        }
        if (spec.Argv.Any(a => a is null || a.Contains('\0', StringComparison.Ordinal)))
        {
            Fail("argv", "contains a null argument or a NUL character");
        }
        else if (spec.Argv.Sum(a => (long)a.Length) > MaxArgvChars)
        {
            Fail("argv", $"is longer than {MaxArgvChars} characters in total; write long scripts to a file in the worktree");
        }

        var worktree = ResolveWorktree(spec.WorktreePath, Fail);
        var workingDirectory = ResolveWorkingDirectory(spec.WorkingDirectory, worktree, Fail);
        var cache = ResolveCache(spec.CachePath, Fail);

        var allowed = options.AllowedEnvironment ?? [.. SandboxOptions.DefaultAllowedEnvironment];
        var environment = spec.Environment ?? new Dictionary<string, string>();
        if (environment.Count > MaxVariables)
        {
            Fail("environment", $"has {environment.Count} variables; at most {MaxVariables} are accepted");
        }
        foreach (var (name, value) in environment)
        {
            if (JailEnvironment.WhyRefused(name ?? "", allowed) is { } why)
            {
                Fail("environment", $"'{Shorten(name ?? "")}' {why}");
            }
            else if (value is null || value.Length > MaxValueChars || value.Contains('\0', StringComparison.Ordinal))
            {
                Fail("environment", $"the value of '{name}' is missing, longer than {MaxValueChars} characters or contains NUL");
            }
        }

        var timeout = spec.Timeout ?? options.DefaultTimeout;
        if (timeout <= TimeSpan.Zero || timeout > options.MaxTimeout)
        {
            Fail("timeout", $"must be above zero and at most {options.MaxTimeout} (Sandbox:MaxTimeout); it was {timeout}");
        }
        var maxOutput = spec.MaxOutputChars ?? options.DefaultMaxOutputChars;
        if (maxOutput is < MinOutputChars or > MaxOutputChars)
        {
            Fail("maxOutputChars", $"must be between {MinOutputChars} and {MaxOutputChars}; it was {maxOutput}");
        }
        if (!Enum.IsDefined(spec.Network))
        {
            Fail("network", $"'{spec.Network}' is not a network policy; use Off, Allowlist or On");
        }
        else if (spec.Network == NetworkPolicy.Allowlist && spec.EgressPolicy is null)
        {
            Fail("network", "Allowlist needs the allow-list itself as the spec's EgressPolicy");
        }
        var limits = (spec.Limits ?? new SandboxLimits()).Over(options.DefaultLimits);
        CheckLimits(limits, Fail);

        if (errors.Count > 0)
        {
            throw new ValidationException(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
        return new PreparedCommand([.. spec.Argv], worktree!, workingDirectory!, spec.Network,
            new Dictionary<string, string>(environment, StringComparer.Ordinal), timeout, maxOutput, cache, limits, spec.OnOutput);
    }

    private static string? ResolveWorktree(string? path, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            fail("worktreePath", "is missing; every command runs against a worktree folder");
            return null;
        }
        if (!Path.IsPathFullyQualified(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            fail("worktreePath", $"'{Shorten(path)}' is not an absolute path");
            return null;
        }
        var real = RealPaths.Resolve(path);
        if (HostPaths.WhyNotWritableMount(real) is { } why)
        {
            fail("worktreePath", $"'{Shorten(path)}' cannot be mounted read-write: {why}");
            return null;
        }
        if (!Directory.Exists(real))
        {
            fail("worktreePath", $"'{Shorten(path)}' does not exist or is not a folder; prepare the workspace first");
            return null;
        }
        return real;
    }

    private static string? ResolveWorkingDirectory(string? relative, string? worktree, Action<string, string> fail)
    {
        relative ??= "";
        var parts = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (relative.StartsWith('/') || relative.Contains('\0', StringComparison.Ordinal) || parts.Any(p => p == ".."))
        {
            fail("workingDirectory", $"'{Shorten(relative)}' must be a path inside the worktree, without '..' or a leading '/'");
            return null;
        }
        if (worktree is null)
        {
            return null;
        }
        var real = RealPaths.Resolve(Path.Join(worktree, string.Join('/', parts)));
        if (real != worktree && !real.StartsWith(worktree + "/", StringComparison.Ordinal))
        {
            fail("workingDirectory", $"'{Shorten(relative)}' leads outside the worktree through a symbolic link");
            return null;
        }
        if (!Directory.Exists(real))
        {
            fail("workingDirectory", $"'{Shorten(relative)}' is not a folder in the worktree");
            return null;
        }
        return real == worktree ? SandboxPaths.Workspace : SandboxPaths.Workspace + real[worktree.Length..];
    }

    private static string? ResolveCache(string? path, Action<string, string> fail)
    {
        if (path is null)
        {
            return null;
        }
        if (!Path.IsPathFullyQualified(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            fail("cachePath", $"'{Shorten(path)}' is not an absolute path");
            return null;
        }
        var real = RealPaths.Resolve(path);
        if (HostPaths.WhyNotWritableMount(real) is { } why)
        {
            fail("cachePath", $"'{Shorten(path)}' cannot be mounted read-write: {why}");
            return null;
        }
        return real;
    }

    private static void CheckLimits(SandboxLimits limits, Action<string, string> fail)
    {
        if (limits.CpuSeconds is <= 0)
        {
            fail("limits.cpuSeconds", "must be at least 1");
        }
        if (limits.MemoryBytes is < (8L << 20))
        {
            fail("limits.memoryBytes", "must be at least 8 MiB");
        }
        if (limits.AddressSpaceBytes is < (8L << 20))
        {
            fail("limits.addressSpaceBytes", "must be at least 8 MiB");
        }
        if (limits.FileSizeBytes is < 1024)
        {
            fail("limits.fileSizeBytes", "must be at least 1 KiB");
        }
        if (limits.OpenFiles is < 16)
        {
            fail("limits.openFiles", "must be at least 16");
        }
        if (limits.Processes is < 4)
        {
            fail("limits.processes", "must be at least 4 (the jail's init, the launcher and the command count)");
        }
        if (limits.TmpfsBytes is < (1L << 20))
        {
            fail("limits.tmpfsBytes", "must be at least 1 MiB");
        }
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
