using System.Text;

namespace Nightshift.Workspaces.Git;

/// <summary>
/// Git's private surroundings on the host: an empty HOME (no user config, keys or credential stores), and the askpass
/// and ssh helpers, whose content is fixed here and rewritten if it ever differs.
/// </summary>
internal sealed class GitHome
{
    // The secret is read from the child's environment at the moment git asks; the script itself holds nothing.
    private const string AskPassScript = """
        #!/bin/sh
        case "$1" in
          [Uu]sername*) [ -n "${NIGHTSHIFT_GIT_USERNAME+x}" ] || exit 1; printf '%s\n' "$NIGHTSHIFT_GIT_USERNAME" ;;
          *) [ -n "${NIGHTSHIFT_GIT_PASSWORD+x}" ] || exit 1; printf '%s\n' "$NIGHTSHIFT_GIT_PASSWORD" ;;
        esac

        """;

    // -F /dev/null: no ssh_config can add a ProxyCommand or LocalCommand; BatchMode: never prompt.
    private const string SshScript = """
        #!/bin/sh
        if [ -n "${NIGHTSHIFT_SSH_KEY-}" ]; then
          exec ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o "UserKnownHostsFile=$NIGHTSHIFT_SSH_KNOWN_HOSTS" -o IdentitiesOnly=yes -i "$NIGHTSHIFT_SSH_KEY" "$@"
        fi
        exec ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o "UserKnownHostsFile=$NIGHTSHIFT_SSH_KNOWN_HOSTS" "$@"

        """;

    private readonly Lock _gate = new();
    private bool _ready;

    public GitHome(string root, string? knownHostsFile)
    {
        Root = root;
        Home = Path.Combine(root, "home");
        Bin = Path.Combine(root, "bin");
        Scratch = Path.Combine(root, "tmp");
        AskPass = Path.Combine(Bin, "askpass");
        Ssh = Path.Combine(Bin, "ssh");
        KnownHosts = knownHostsFile ?? Path.Combine(root, "known_hosts");
    }

    public string Root { get; }

    public string Home { get; }

    public string Bin { get; }

    public string Scratch { get; }

    public string AskPass { get; }

    public string Ssh { get; }

    public string KnownHosts { get; }

    public void EnsureReady()
    {
        lock (_gate)
        {
            if (_ready && File.Exists(AskPass) && File.Exists(Ssh))
            {
                return;
            }
            foreach (var dir in new[] { Root, Home, Bin, Scratch })
            {
                Directory.CreateDirectory(dir);
            }
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            WriteScript(AskPass, AskPassScript);
            WriteScript(Ssh, SshScript);
            _ready = true;
        }
    }

    private static void WriteScript(string path, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content.ReplaceLineEndings("\n"));
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            return;
        }
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllBytes(temp, bytes);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        File.Move(temp, path, overwrite: true);
    }
}
