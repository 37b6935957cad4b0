using System.Globalization;
using Nightshift.TestKit.Git;

namespace Nightshift.Bench.Fleet.Workload;

/// <summary>The run's real git repositories: bare remotes with a main branch, a <c>.nightshift.yml</c> whose test checks every task file present.</summary>
/// <remarks>
/// <c>repo-K.git</c> holds on <c>main</c> a README, <see cref="CheckScript"/> as <c>check.sh</c> and a
/// <c>.nightshift.yml</c> whose test is <c>sh check.sh</c>: it passes when every <c>ft*.txt</c> file in the tree starts
/// with a line equal to its own name without <c>.txt</c> (so it passes on <c>main</c>, which has none), and fails naming
/// each file that does not.
/// </remarks>
public static class FleetRepositories
{
    /// <summary>The test every repository runs: each task file's first line must be its own name.</summary>
    public const string CheckScript =
        """
        #!/bin/sh
        # Every ft*.txt file must start with a line equal to its own name without .txt (ft0007-s1.txt: ft0007-s1).
        status=0
        for f in $(find . -path ./.git -prune -o -type f -name 'ft*.txt' -print); do
          name=$(basename "$f" .txt)
          first=
          IFS= read -r first < "$f"
          if [ "$first" != "$name" ]; then
            echo "$f: the first line is '$first', expected '$name'" >&2
            status=1
          fi
        done
        exit $status
        """;

    /// <summary>The repositories' <c>.nightshift.yml</c>.</summary>
    public const string Config =
        """
        # The fleet harness's repository: the test checks every task file the agents wrote.
        test:
          - sh check.sh
        """;

    /// <summary>Creates <paramref name="count"/> repositories under <paramref name="folder"/>; returns name → bare remote path (what tasks are submitted with).</summary>
    public static IReadOnlyDictionary<string, string> Create(string folder, int count)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "the fleet needs at least one repository (--repos 1 or more)");
        }
        folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(folder);
        var seed = Path.Combine(folder, ".seed");
        var remotes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        try
        {
            for (var k = 1; k <= count; k++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"repo-{k}");
                var bare = Path.Combine(folder, name + ".git");
                if (Directory.Exists(bare))
                {
                    throw new InvalidOperationException($"{bare} already exists: give the fleet an empty folder for its repositories");
                }
                GitCli.Run(folder, "init", "--quiet", "--bare", "--initial-branch=main", bare);
                var work = Path.Combine(seed, name);
                Directory.CreateDirectory(work);
                GitCli.Run(work, "init", "--quiet", "--initial-branch=main");
                File.WriteAllText(Path.Combine(work, "README.md"), $"# {name}\n\nA repository of the fleet harness. Each task writes `ftNNNN-X.txt` files; `sh check.sh` checks them.\n");
                File.WriteAllText(Path.Combine(work, "check.sh"), CheckScript.ReplaceLineEndings("\n") + "\n");
                File.WriteAllText(Path.Combine(work, ".nightshift.yml"), Config.ReplaceLineEndings("\n") + "\n");
                GitCli.Run(work, "add", "--all");
                GitCli.Run(work, "commit", "--quiet", "-m", "The fleet harness's repository: a README and the test that checks task files");
                GitCli.Run(work, "push", "--quiet", bare, "HEAD:refs/heads/main");
                remotes[name] = bare;
            }
        }
        finally
        {
            if (Directory.Exists(seed))
            {
                Directory.Delete(seed, recursive: true);
            }
        }
        return remotes;
    }
}
