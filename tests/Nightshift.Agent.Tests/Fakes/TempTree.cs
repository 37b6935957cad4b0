namespace Nightshift.Agent.Tests.Fakes;

/// <summary>A temporary folder with a worktree inside and room outside it for escape targets.</summary>
internal sealed class TempTree : IDisposable
{
    public TempTree()
    {
        Base = Directory.CreateTempSubdirectory("ns-agent-").FullName;
        Root = Path.Combine(Base, "repo");
        Outside = Path.Combine(Base, "outside");
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), "TOP SECRET\n");
    }

    public string Base { get; }

    public string Root { get; }

    public string Outside { get; }

    public string Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    public void Dispose() => Directory.Delete(Base, recursive: true);
}
