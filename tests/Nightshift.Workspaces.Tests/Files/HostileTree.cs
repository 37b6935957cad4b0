using System.Diagnostics;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;

namespace Nightshift.Workspaces.Tests.Files;

/// <summary>
/// A real git repository whose committed content is hostile (links to /dev/zero, to / and to itself, a link in an
/// intermediate folder that leads out), plus what a setup command could add after checkout (FIFOs, a socket, a
/// sparse 100 MB file).
/// </summary>
internal sealed class HostileTree : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public HostileTree()
    {
        Repo = TempGitRepo.Create();
        Outside = Repo.NewFolder("outside");
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "TOP SECRET\n");
        Repo.WriteFile("src/app.js", "console.log('hi');\n");
        Repo.WriteFile("AGENTS.md", "be careful\n");
        Link("zero", "/dev/zero");
        Link("package.json", "/dev/zero");
        Link("hostroot", "/");
        Link("l1", ".");
        Link("l2", ".");
        Link("escape", Outside);
        Link("inside", "src");
        Link("app-link.js", "src/app.js");
        Repo.Commit("hostile content");
        Mkfifo("trap.py");
        Mkfifo("src/pipe.txt");
        using (var sparse = new FileStream(Path.Combine(Root, "big.txt"), FileMode.Create, FileAccess.Write))
        {
            sparse.SetLength(100L * 1024 * 1024);
        }
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(Root, "sock")));
        socket.Listen(1);
        _owned.Add(socket);
    }

    public TempGitRepo Repo { get; }

    public string Root => Repo.WorkPath;

    public string Outside { get; }

    public void Link(string relative, string target)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
    }

    public void Mkfifo(string relative)
    {
        using var process = Process.Start("mkfifo", [Path.Combine(Root, relative)]);
        process.WaitForExit((int)TestDefaults.Timeout.TotalMilliseconds).ShouldBeTrue();
        process.ExitCode.ShouldBe(0);
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        Repo.Dispose();
    }
}
