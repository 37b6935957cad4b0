using System.Text.RegularExpressions;

namespace Nightshift.Agent.Verification;

/// <summary>Pulls the names of failing tests out of common runners' output, so failures can be compared across runs.</summary>
public static partial class FailingTests
{
    public static IReadOnlySet<string> Parse(string output)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            foreach (var pattern in Patterns)
            {
                var match = pattern.Match(trimmed);
                if (match.Success)
                {
                    names.Add(match.Groups["name"].Value.Trim());
                    break;
                }
            }
        }
        return names;
    }

    private static readonly Regex[] Patterns =
    [
        NodeTap(), Pytest(), GoTest(), CargoTest(), DotnetTest(), Jest(),
    ];

    // node --test (TAP): "not ok 2 - adds negative numbers" — nested subtests are indented; "# Subtest" lines are skipped.
    [GeneratedRegex(@"^\s*not ok \d+ - (?<name>.+?)(\s+#.*)?$")]
    private static partial Regex NodeTap();

    [GeneratedRegex(@"^FAILED (?<name>\S+)")]
    private static partial Regex Pytest();

    [GeneratedRegex(@"^\s*--- FAIL: (?<name>\S+)")]
    private static partial Regex GoTest();

    [GeneratedRegex(@"^test (?<name>\S+) \.\.\. FAILED$")]
    private static partial Regex CargoTest();

    [GeneratedRegex(@"^\s*Failed (?<name>[\w\.\(\)<>, ""]+) \[")]
    private static partial Regex DotnetTest();

    [GeneratedRegex(@"^\s*[✕×] (?<name>.+?)( \(\d+ ms\))?$")]
    private static partial Regex Jest();
}
