namespace Nightshift.TestKit.Git;

/// <summary>
/// A throw-away bare remote (<see cref="RemotePath"/>) and a working clone of it (<see cref="WorkPath"/>) with an
/// initial commit on <c>main</c>; <see cref="Commit"/> adds files and pushes. Everything lives under
/// <see cref="Root"/>, which is deleted on dispose.
/// </summary>
public sealed class TempGitRepo : IDisposable
{
    private TempGitRepo(string root)
    {
        Root = root;
        RemotePath = Path.Combine(root, "remote.git");
        WorkPath = Path.Combine(root, "work");
    }

    public string Root { get; }

    public string RemotePath { get; }

    public string WorkPath { get; }

    public static TempGitRepo Create(string defaultBranch = "main")
    {
        var root = Path.Combine(Path.GetTempPath(), "nightshift-git-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var repo = new TempGitRepo(root);
        GitCli.Run(root, "init", "--quiet", "--bare", "--initial-branch=" + defaultBranch, repo.RemotePath);
        GitCli.Run(root, "init", "--quiet", "--initial-branch=" + defaultBranch, repo.WorkPath);
        repo.Git("remote", "add", "origin", repo.RemotePath);
        repo.Commit("initial commit", ("README.md", "# sample\n"));
        return repo;
    }

    /// <summary>Runs git in the working clone.</summary>
    public string Git(params string[] arguments) => GitCli.Run(WorkPath, arguments);

    /// <summary>Runs git against the bare remote.</summary>
    public string RemoteGit(params string[] arguments) => GitCli.Run(RemotePath, arguments);

    /// <summary>Writes the files, commits them on the current branch and pushes it; returns the commit id.</summary>
    public string Commit(string message, params (string Path, string Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            WriteFile(path, content);
        }
        Git("add", "--all");
        Git("commit", "--quiet", "--allow-empty", "-m", message);
        var branch = Git("symbolic-ref", "--short", "HEAD").Trim();
        Git("push", "--quiet", "origin", "HEAD:refs/heads/" + branch);
        return Git("rev-parse", "HEAD").Trim();
    }

    public void WriteFile(string relativePath, string content)
    {
        var full = Path.Combine(WorkPath, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    /// <summary>The commit a branch of the remote points to, or null when it does not exist.</summary>
    public string? RemoteBranch(string branch)
    {
        var result = GitCli.TryRun(RemotePath, null, "rev-parse", "--verify", "--quiet", "refs/heads/" + branch);
        return result.ExitCode == 0 ? result.Stdout.Trim() : null;
    }

    /// <summary>A new empty folder under <see cref="Root"/>.</summary>
    public string NewFolder(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder must not fail the test that already ran.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
