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

    private static readonly string[] Keys = ["setup", "test", "build", "lint", "network", "branch_prefix", "require_plan_approval"];

    /// <summary>Reads the file at the worktree's root, or returns <see cref="RepoConfig.Empty"/> when there is none.</summary>
    public static async Task<RepoConfig> LoadAsync(string worktree, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(worktree, FileName);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return RepoConfig.Empty;
        }
        if (info.LinkTarget is not null)
        {
            throw new RepoConfigException($"{FileName} is a symbolic link; commit the file itself");
        }
        if (info.Length > MaxBytes)
        {
            throw new RepoConfigException($"{FileName} is {info.Length} bytes; at most {MaxBytes} are read — keep it to commands and settings");
        }
        return Parse(await File.ReadAllTextAsync(path, cancellationToken));
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
                "test" => config with { Test = Commands(key, value) },
                "build" => config with { Build = Commands(key, value) },
                "lint" => config with { Lint = Commands(key, value) },
                "network" => config with { Network = Network(value) },
                "branch_prefix" => config with { BranchPrefix = BranchPrefix(value) },
                "require_plan_approval" => config with { RequirePlanApproval = Boolean(key, value) },
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

    private static RepoNetwork Network(YamlNode node)
    {
        const string Shapes = "'network' must be off, setup or on, or a map of setup, agent and verify to on or off (for example `network: {setup: on, agent: off, verify: off}`)";
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
        foreach (var (keyNode, value) in map.Children)
        {
            var phase = (keyNode as YamlScalarNode)?.Value ?? "";
            network = phase switch
            {
                "setup" => network with { Setup = Boolean("network.setup", value) },
                "agent" => network with { Agent = Boolean("network.agent", value) },
                "verify" => network with { Verify = Boolean("network.verify", value) },
                _ => throw new RepoConfigException($"{FileName} line {keyNode.Start.Line}: unknown network phase '{Clip(phase)}'; the phases are setup, agent and verify"),
            };
        }
        return network;
    }

    private static string BranchPrefix(YamlNode node)
    {
        var value = (node as YamlScalarNode)?.Value?.Trim() ?? "";
        var candidate = value.TrimEnd('/');
        if (!Core.Tasks.NewTask.IsSafeBranchName(candidate) || candidate.Length > 60)
        {
            throw new RepoConfigException($"{FileName} line {node.Start.Line}: 'branch_prefix' must be a short branch-name prefix like nightshift/ (letters, digits, . _ - /)");
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
