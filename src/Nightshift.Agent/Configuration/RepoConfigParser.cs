using Nightshift.Sandbox;
using Nightshift.Sandbox.Network;
using Nightshift.Workspaces.Files;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nightshift.Agent.Configuration;

/// <summary>
/// Reads <c>.nightshift.yml</c> strictly: unknown keys, wrong shapes, aliases and oversized files are refused with a
/// message that says what to fix, because a silently ignored typo would mean tests that never run.
/// </summary>
public static class RepoConfigParser
{
    public const string FileName = ".nightshift.yml";
    public const int MaxBytes = 64 * 1024;
    private const int MaxCommands = 50;
    private const int MaxCommandLength = 4_000;

    private static readonly string[] Keys = ["setup", "test", "build", "lint", "network", "cache", "branch_prefix", "require_plan_approval", "limits"];

    /// <summary>Reads the file at the worktree's root, or returns <see cref="RepoConfig.Empty"/> when there is none.</summary>
    public static async Task<RepoConfig> LoadAsync(string worktree, CancellationToken cancellationToken = default)
    {
        var info = RepoFiles.Stat(worktree, FileName);
        switch (info.Kind)
        {
            case RepoFileKind.Missing:
                return RepoConfig.Empty;
            case RepoFileKind.SymbolicLink:
                throw new RepoConfigException($"{FileName} is a symbolic link; commit the file itself");
            case RepoFileKind.Regular when info.Size > MaxBytes:
                throw new RepoConfigException($"{FileName} is {info.Size} bytes; at most {MaxBytes} are read — keep it to commands and settings");
        }
        RepoFileContent content;
        try
        {
            content = await RepoFiles.ReadAsync(worktree, FileName, MaxBytes, cancellationToken);
        }
        catch (RepoFileException e)
        {
            throw new RepoConfigException($"{e.Message}; commit {FileName} as a plain file");
        }
        if (content.Truncated)
        {
            throw new RepoConfigException($"{FileName} is {content.FileSize} bytes; at most {MaxBytes} are read — keep it to commands and settings");
        }
        return Parse(DecodeUtf8(content.Bytes));
    }

    /// <summary>As File.ReadAllText did: UTF-8 with its byte order mark dropped.</summary>
    private static string DecodeUtf8(byte[] bytes)
    {
        var preamble = System.Text.Encoding.UTF8.Preamble;
        return bytes.AsSpan().StartsWith(preamble)
            ? System.Text.Encoding.UTF8.GetString(bytes.AsSpan(preamble.Length))
            : System.Text.Encoding.UTF8.GetString(bytes);
    }

    public static RepoConfig Parse(string yaml)
    {
        if (yaml.Length > MaxBytes)
        {
            throw new RepoConfigException($"{FileName} is {yaml.Length} characters; at most {MaxBytes} are read");
        }
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new RepoConfigException($"{FileName} is not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return RepoConfig.Empty;
        }
        if (stream.Documents.Count > 1)
        {
            throw new RepoConfigException($"{FileName} holds {stream.Documents.Count} YAML documents; write one");
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new RepoConfigException($"{FileName} must be a mapping of keys ({string.Join(", ", Keys)}) to values");
        }
        RejectAliases(stream.Documents[0].RootNode);

        var config = RepoConfig.Empty;
        foreach (var (keyNode, value) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            config = key switch
            {
                "setup" => config with { Setup = Commands(key, value) },
                "test" => IsNone(value) ? config with { Test = [], TestNone = true } : config with { Test = Commands(key, value) },
                "build" => config with { Build = Commands(key, value) },
                "lint" => config with { Lint = Commands(key, value) },
                "network" => config with { Network = Network(value) },
                "cache" => config with { Cache = CacheFiles(value) },
                "branch_prefix" => config with { BranchPrefix = BranchPrefix(value) },
                "require_plan_approval" => config with { RequirePlanApproval = Boolean(key, value) },
                "limits" => config with { Limits = RepoLimitsParser.Parse(value) },
                _ => throw new RepoConfigException(
                    $"{FileName} line {keyNode.Start.Line}: unknown key '{Clip(key)}'; the keys are {string.Join(", ", Keys)}"),
            };
        }
        return config;
    }

    private static IReadOnlyList<string> Commands(string key, YamlNode node)
    {
        IEnumerable<YamlNode> items = node switch
        {
            YamlScalarNode scalar => [scalar],
            YamlSequenceNode sequence => sequence.Children,
            _ => throw new RepoConfigException($"{FileName} line {node.Start.Line}: '{key}' must be a command or a list of commands"),
        };
        var commands = new List<string>();
        foreach (var item in items)
        {
            if (item is not YamlScalarNode { Value: { } text })
            {
                throw new RepoConfigException($"{FileName} line {item.Start.Line}: each '{key}' entry must be a command line (a string)");
            }
            text = text.Trim();
            if (text.Length == 0)
            {
                continue;
            }
            if (text.Length > MaxCommandLength || text.Contains('\0', StringComparison.Ordinal))
            {
                throw new RepoConfigException($"{FileName} line {item.Start.Line}: a '{key}' command must be at most {MaxCommandLength} characters of text");
            }
            commands.Add(text);
        }
        if (commands.Count > MaxCommands)
        {
            throw new RepoConfigException($"{FileName}: '{key}' lists {commands.Count} commands; at most {MaxCommands} are allowed");
        }
        return commands;
    }

    /// <summary><c>test: none</c> (any case): no tests on purpose. A test command named <c>none</c> is not plausible enough to keep apart.</summary>
    private static bool IsNone(YamlNode node) =>
        node is YamlScalarNode { Value: { } value } && string.Equals(value.Trim(), "none", StringComparison.OrdinalIgnoreCase);

    private static RepoNetwork Network(YamlNode node)
    {
        const string Shapes = "'network' must be off, setup or on, or a map of setup, agent and verify to off, allowlist or on, with the hosts of allowlist in allow and presets (for example `network: {setup: allowlist, agent: off, verify: off, allow: [\"GET,HEAD docs.example.org\"], presets: [npm]}`)";
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value?.Trim().ToLowerInvariant() switch
            {
                "off" or "false" or "none" => RepoNetwork.Off,
                "setup" => RepoNetwork.SetupOnly,
                "on" or "true" => RepoNetwork.On,
                _ => throw new RepoConfigException($"{FileName} line {node.Start.Line}: {Shapes}"),
            };
        }
        if (node is not YamlMappingNode map)
        {
            throw new RepoConfigException($"{FileName} line {node.Start.Line}: {Shapes}");
        }
        var network = RepoNetwork.Unstated;
        List<HostRule>? rules = null;
        foreach (var (keyNode, value) in map.Children)
        {
            var phase = (keyNode as YamlScalarNode)?.Value ?? "";
            switch (phase)
            {
                case "setup":
                    network = network with { Setup = PhasePolicy("network.setup", value) };
                    break;
                case "agent":
                    network = network with { Agent = PhasePolicy("network.agent", value) };
                    break;
                case "verify":
                    network = network with { Verify = PhasePolicy("network.verify", value) };
                    break;
                case "allow":
                    rules ??= [];
                    foreach (var (text, line) in Strings("network.allow", value, NetworkCeilings.MaxRules))
                    {
                        var rule = HostRule.TryParse(text, out var why)
                            ?? throw new RepoConfigException($"{FileName} line {line}: network.allow entry '{Clip(text)}' {why}");
                        if (!rules.Contains(rule))
                        {
                            rules.Add(rule);
                        }
                    }
                    break;
                case "presets":
                    rules ??= [];
                    foreach (var (text, line) in Strings("network.presets", value, HostPresets.Names.Count))
                    {
                        var preset = HostPresets.Rules(text)
                            ?? throw new RepoConfigException($"{FileName} line {line}: network.presets entry {HostPresets.WhyUnknown(Clip(text))}");
                        foreach (var rule in preset)
                        {
                            if (!rules.Contains(rule))
                            {
                                rules.Add(rule);
                            }
                        }
                    }
                    break;
                default:
                    throw new RepoConfigException($"{FileName} line {keyNode.Start.Line}: unknown network key '{Clip(phase)}'; the keys are setup, agent, verify, allow and presets");
            }
        }
        var allowlisted = new[] { ("setup", network.Setup), ("agent", network.Agent), ("verify", network.Verify) }.Where(p => p.Item2 == NetworkPolicy.Allowlist).Select(p => p.Item1).ToList();
        if (allowlisted.Count > 0 && (rules?.Count ?? 0) == 0)
        {
            throw new RepoConfigException($"{FileName} line {node.Start.Line}: network.{allowlisted[0]} is allowlist, but network.allow and network.presets name no host; list the hosts it needs, like `allow: [registry.example.org]` or `presets: [npm]`");
        }
        return network with { Allow = rules };
    }

    private static NetworkPolicy PhasePolicy(string key, YamlNode node) =>
        (node as YamlScalarNode)?.Value?.Trim().ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => NetworkPolicy.On,
            "false" or "no" or "off" => NetworkPolicy.Off,
            "allowlist" => NetworkPolicy.Allowlist,
            _ => throw new RepoConfigException($"{FileName} line {node.Start.Line}: '{key}' must be off, allowlist or on"),
        };

    /// <summary>A string or a list of strings, each with its line; at most <paramref name="max"/>.</summary>
    private static List<(string Text, long Line)> Strings(string key, YamlNode node, int max)
    {
        IEnumerable<YamlNode> items = node switch
        {
            YamlScalarNode scalar => [scalar],
            YamlSequenceNode sequence => sequence.Children,
            _ => throw new RepoConfigException($"{FileName} line {node.Start.Line}: '{key}' must be a list of strings"),
        };
        var strings = new List<(string, long)>();
        foreach (var item in items)
        {
            if (item is not YamlScalarNode { Value: { } text })
            {
                throw new RepoConfigException($"{FileName} line {item.Start.Line}: each '{key}' entry must be a string");
            }
            strings.Add((text, item.Start.Line));
        }
        if (strings.Count > max)
        {
            throw new RepoConfigException($"{FileName}: '{key}' lists {strings.Count} entries; at most {max} are read");
        }
        return strings;
    }

    /// <summary>
    /// <c>cache:</c> a path or list of paths of lock files from the repository's root (plain names and folders, no
    /// '..', not absolute), or <c>none</c>. Whether each is a regular file is checked when the key is made, through RepoFiles.
    /// </summary>
    private static IReadOnlyList<string> CacheFiles(YamlNode node)
    {
        const int MaxFiles = 50;
        const int MaxPathLength = 300;
        if (IsNone(node))
        {
            return [];
        }
        IEnumerable<YamlNode> items = node switch
        {
            YamlScalarNode scalar => [scalar],
            YamlSequenceNode sequence => sequence.Children,
            _ => throw new RepoConfigException($"{FileName} line {node.Start.Line}: 'cache' must be a lock file path or a list of them (for example `cache: [package-lock.json]`), or none"),
        };
        var files = new List<string>();
        foreach (var item in items)
        {
            var text = (item as YamlScalarNode)?.Value?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                throw new RepoConfigException($"{FileName} line {item.Start.Line}: each 'cache' entry must be a file path from the repository's root, like package-lock.json");
            }
            var parts = text.Split('/');
            if (text.Length > MaxPathLength || text.StartsWith('/') || text.Any(c => char.IsControl(c) || c == '\\')
                || parts.Any(p => p is "" or "." or ".."))
            {
                throw new RepoConfigException(
                    $"{FileName} line {item.Start.Line}: 'cache' entry '{Clip(text)}' must be a plain path inside the repository (like web/package-lock.json: no leading '/', no '.' or '..' parts, at most {MaxPathLength} characters)");
            }
            if (!files.Contains(text, StringComparer.Ordinal))
            {
                files.Add(text);
            }
        }
        if (files.Count > MaxFiles)
        {
            throw new RepoConfigException($"{FileName}: 'cache' lists {files.Count} files; at most {MaxFiles} are allowed");
        }
        return files;
    }

    private static string BranchPrefix(YamlNode node)
    {
        var value = (node as YamlScalarNode)?.Value?.Trim() ?? "";
        var candidate = value.TrimEnd('/');
        if (!Core.Tasks.NewTask.IsSafeBranchName(candidate) || candidate.Length > 60)
        {
            throw new RepoConfigException($"{FileName} line {node.Start.Line}: 'branch_prefix' must be a short branch-name prefix like nightshift/ (at most 60 letters, digits, . _ - /; no '..', not starting with '-' or '/')");
        }
        if (candidate.StartsWith("refs/", StringComparison.OrdinalIgnoreCase) || candidate.Equals("refs", StringComparison.OrdinalIgnoreCase)
            || candidate.Equals("HEAD", StringComparison.Ordinal) || candidate.Split('/').Any(part => part.StartsWith('.') || part.EndsWith(".lock", StringComparison.Ordinal)))
        {
            throw new RepoConfigException($"{FileName} line {node.Start.Line}: 'branch_prefix' '{Clip(candidate)}' is not usable as a branch folder (not refs/ or HEAD, no part starting with '.' or ending in .lock); use a plain prefix like bots/");
        }
        return candidate + "/";
    }

    private static bool Boolean(string key, YamlNode node) =>
        (node as YamlScalarNode)?.Value?.Trim().ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw new RepoConfigException($"{FileName} line {node.Start.Line}: '{key}' must be true or false"),
        };

    private static void RejectAliases(YamlNode root)
    {
        var seen = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<YamlNode>([root]);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!seen.Add(node))
            {
                throw new RepoConfigException($"{FileName} line {node.Start.Line}: YAML aliases (*name) are not supported; write the value out");
            }
            var children = node switch
            {
                YamlMappingNode m => m.Children.SelectMany(c => new[] { c.Key, c.Value }),
                YamlSequenceNode s => s.Children,
                _ => [],
            };
            foreach (var child in children)
            {
                stack.Push(child);
            }
        }
    }

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
