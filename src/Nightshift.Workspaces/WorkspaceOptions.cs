namespace Nightshift.Workspaces;

/// <summary>Where workspaces live and how they are committed and collected (configuration section <c>Workspaces</c>).</summary>
public sealed class WorkspaceOptions
{
    public const string SectionName = "Workspaces";

    /// <summary>The data folder; mirrors, worktrees and git's private home go below it. Null means Nightshift's data folder.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The git program (a name found on PATH, or an absolute path).</summary>
    public string GitExecutable { get; set; } = "git";

    /// <summary>Author and committer name used when a commit request names none.</summary>
    public string AuthorName { get; set; } = "Nightshift";

    /// <summary>Author and committer e-mail used when a commit request names none.</summary>
    public string AuthorEmail { get; set; } = "nightshift@localhost";

    /// <summary>How long a worktree released with <c>keep: true</c> (a failed task) stays for inspection.</summary>
    public TimeSpan FailedWorktreeRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A worktree never released (its worker vanished) is collected after this long without use.</summary>
    public TimeSpan AbandonedWorktreeRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>When mirrors together take more than this, the least recently used idle ones are evicted.</summary>
    public long MirrorDiskBudgetBytes { get; set; } = 20L * 1024 * 1024 * 1024;

    /// <summary>How often the background collector runs; zero turns it off.</summary>
    public TimeSpan CollectInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Longest a single git command may run before it is killed.</summary>
    public TimeSpan GitTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Released worktrees kept per repository for reuse: the next task's checkout then rewrites only files that differ
    /// from its base (after hashing every file against our tree and deleting everything else). Off (zero) by default:
    /// on a local disk a fresh checkout measured faster than the reconciliation; it can pay off where writes are slow.
    /// </summary>
    public int MaxParkedWorktrees { get; set; }

    /// <summary>
    /// Worktrees per repository checked out ahead of need, in the background after a task's workspace is prepared:
    /// the next task on that repository takes one, moves it into place and switches it to its branch and base, which
    /// rewrites only the files that differ instead of all of them. Each costs the disk of one more checkout, and a
    /// spare made from an older commit is brought up to date by that switch. Zero turns it off; at most 8.
    /// </summary>
    public int SpareWorktrees { get; set; } = 1;

    /// <summary>
    /// Processes git uses to write a checkout (<c>checkout.workers</c>). Zero: one per core. Writing and inflating
    /// thousands of files dominates preparing a workspace, and parallel checkout divides it across cores; 1 is
    /// git's sequential checkout.
    /// </summary>
    public int CheckoutWorkers { get; set; }

    /// <summary>Known-hosts file for ssh remotes; new hosts are remembered on first use. Null means one in the data folder.</summary>
    public string? SshKnownHostsFile { get; set; }
}
