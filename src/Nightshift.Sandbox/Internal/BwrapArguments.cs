using System.Globalization;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// Builds bubblewrap's command line for one prepared command. The jail's shape (namespaces and mounts: what depends on
/// the worktree, the cache, the network policy and the tmpfs size, never on the command itself) comes first, so a jail
/// can be set up from the shape alone before its command is known (<see cref="ReadyJail"/>).
/// </summary>
internal static class BwrapArguments
{
    private static readonly string[] RootLinks = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

    /// <summary>bubblewrap's full command line: the shape, then the working directory, environment and command.</summary>
    public static List<string> Build(PreparedCommand command, SandboxOptions options, string etcFolder, bool runningAsRoot)
    {
        var args = Shape(command, options, etcFolder, runningAsRoot);
        args.AddRange(["--chdir", command.WorkingDirectory, "--clearenv"]);
        foreach (var (name, value) in Environment(command))
        {
            args.AddRange(["--setenv", name, value]);
        }

        // bubblewrap executes the command itself (execvp with the PATH set above): the launcher set the rlimits and
        // closed stray descriptors before it became bubblewrap, so no shell is needed in between.
        args.Add("--");
        if (command.Network.IsNetworked())
        {
            args.AddRange(["/bin/bash", "-c", NetworkedPrelude(), "nightshift-net", Number(SandboxPaths.ProxyPort), SandboxPaths.ProxySocket]);
        }
        args.AddRange(command.Argv);
        return args;
    }

    /// <summary>The command's whole environment: the sandbox's base and what the spec adds from the allow-list.</summary>
    public static Dictionary<string, string> Environment(PreparedCommand command)
    {
        var environment = JailEnvironment.Base(SandboxPaths.Home, SandboxPaths.Cache);
        if (command.Network.IsNetworked())
        {
            foreach (var (name, value) in JailEnvironment.Proxy)
            {
                environment[name] = value;
            }
        }
        AddCaVariables(environment, command);
        foreach (var (name, value) in command.ExtraEnvironment)
        {
            environment[name] = value;
        }
        return environment;
    }

    /// <summary>The namespaces and mounts of the jail <paramref name="command"/> needs, ending with the root made read-only.</summary>
    public static List<string> Shape(PreparedCommand command, SandboxOptions options, string etcFolder, bool runningAsRoot)
    {
        var args = new List<string>
        {
            // A user namespace with a non-root uid: no capabilities inside, and mounts inherited from the host are
            // locked, so a read-only bind cannot be remounted writable. Its processes keep the worker's real uid outside.
            "--unshare-user", "--uid", Number(JailEtc.Uid), "--gid", Number(JailEtc.Uid), "--disable-userns",
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session",
            "--hostname", JailEtc.Hostname,
        };
        // Never the host's network namespace: a networked jail's only way out is the egress proxy's socket below.
        args.Add("--unshare-net");
        if (runningAsRoot)
        {
            args.AddRange(["--cap-drop", "ALL"]);
        }

        args.AddRange(["--ro-bind", "/usr", "/usr"]);
        foreach (var path in RootLinks)
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is { } target)
            {
                args.AddRange(["--symlink", target, path]);
            }
            else if (Directory.Exists(path))
            {
                args.AddRange(["--ro-bind", path, path]);
            }
        }
        foreach (var path in options.ToolchainPaths ?? [])
        {
            args.AddRange(["--ro-bind-try", path, path]);
        }
        foreach (var entry in options.EtcEntries ?? [.. SandboxOptions.DefaultEtcEntries])
        {
            args.AddRange(["--ro-bind-try", "/etc/" + entry, "/etc/" + entry]);
        }
        foreach (var name in JailEtc.Names)
        {
            args.AddRange(["--ro-bind", Path.Join(etcFolder, name), "/etc/" + name]);
        }

        args.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        AddTmpfs(args, "/dev/shm", command.Limits.TmpfsBytes);
        AddTmpfs(args, "/tmp", command.Limits.TmpfsBytes);
        args.AddRange(["--dir", "/var", "--symlink", "../tmp", "/var/tmp"]);
        AddTmpfs(args, SandboxPaths.Home, command.Limits.TmpfsBytes);

        args.AddRange(["--bind", command.Worktree, SandboxPaths.Workspace]);
        if (command.CachePath is not null)
        {
            args.AddRange(["--bind", command.CachePath, SandboxPaths.Cache]);
        }
        else
        {
            AddTmpfs(args, SandboxPaths.Cache, command.Limits.TmpfsBytes);
            foreach (var (folder, _) in JailEnvironment.CacheFolders)
            {
                args.AddRange(["--dir", SandboxPaths.Cache + "/" + folder]);
            }
        }
        foreach (var (folder, link) in JailEnvironment.CacheFolders)
        {
            if (link is not null)
            {
                args.AddRange(["--symlink", SandboxPaths.Cache + "/" + folder, SandboxPaths.Home + "/" + link]);
            }
        }

        if (command.Network.IsNetworked())
        {
            var folder = command.EgressFolder ?? throw new InvalidOperationException("a networked command needs its egress proxy's folder");
            args.AddRange(["--ro-bind", folder, SandboxPaths.ProxyFolder]);
        }
        AddCaBundle(args, command);

        // The root is bubblewrap's own tmpfs; making it read-only keeps the jail from adding files beside the mounts.
        args.AddRange(["--remount-ro", "/"]);
        return args;
    }

    /// <summary>A networked jail's CA bundle, read-only; the CA's key stays on the host.</summary>
    private static void AddCaBundle(List<string> args, PreparedCommand command)
    {
        if (command.Network.IsNetworked() && command.CaBundle is { } bundle)
        {
            args.AddRange(["--ro-bind", bundle, SandboxPaths.CaBundle]);
        }
    }

    /// <summary>The variables that point a networked jail's tools at its CA bundle; the sandbox's own, so a spec cannot replace them.</summary>
    private static void AddCaVariables(Dictionary<string, string> environment, PreparedCommand command)
    {
        if (command.Network.IsNetworked() && command.CaBundle is not null)
        {
            foreach (var (name, value) in JailEnvironment.CaBundle)
            {
                environment[name] = value;
            }
        }
    }

    /// <summary>What bash runs in a networked jail before the command: the tools' proxy configuration, then the bridge to the proxy.</summary>
    private static string NetworkedPrelude() => JailScripts.ToolConfig + JailScripts.Bridge;

    private static void AddTmpfs(List<string> args, string path, long? size)
    {
        if (size is { } bytes)
        {
            args.AddRange(["--size", Number(bytes)]);
        }
        args.AddRange(["--tmpfs", path]);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
