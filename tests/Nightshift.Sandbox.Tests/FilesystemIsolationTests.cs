using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public abstract class FilesystemIsolationTests(Jail jail)
{
    [Theory]
    [InlineData("/usr/nightshift-probe")]
    [InlineData("/usr/bin/nightshift-probe")]
    [InlineData("/etc/nightshift-probe")]
    [InlineData("/nightshift-probe")]
    [InlineData("/proc/nightshift-probe")]
    public async Task RunAsync_WriteOutsideWorktree_Fails(string path)
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, $"echo x > {path} && echo wrote");

        result.Stdout.ShouldNotContain("wrote");
        result.ExitCode.ShouldNotBe(0);
        File.Exists(path).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_WriteInWorktree_LandsOnHost()
    {
        using var worktree = new TempFolder();
        Directory.CreateDirectory(worktree.File("src"));

        var result = await jail.ShellAsync(worktree, "pwd; echo built > out.txt", s => s with { WorkingDirectory = "src" });

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldBe("/workspace/src\n");
        File.ReadAllText(worktree.File("src/out.txt")).ShouldBe("built\n");
    }

    [Fact]
    public async Task RunAsync_TmpIsPrivate_HostTmpNeitherVisibleNorWritten()
    {
        using var worktree = new TempFolder();
        var hostFile = Path.Join(Path.GetTempPath(), "nightshift-host-only-" + Guid.NewGuid().ToString("N"));
        var jailFile = "nightshift-jail-only-" + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(hostFile, "host");
        try
        {
            var result = await jail.ShellAsync(worktree, $"ls {hostFile} 2>/dev/null && echo visible; echo j > /tmp/{jailFile} && echo tmp-ok; ls /tmp | wc -l");

            result.Stdout.ShouldNotContain("visible");
            result.Stdout.ShouldContain("tmp-ok");
            result.Stdout.ShouldEndWith("\n1\n");
            File.Exists(Path.Join(Path.GetTempPath(), jailFile)).ShouldBeFalse();
        }
        finally
        {
            File.Delete(hostFile);
        }
    }

    [Fact]
    public async Task RunAsync_SymlinkInWorktreeToHostFile_NeitherReadsNorWritesIt()
    {
        using var worktree = new TempFolder();
        using var outside = new TempFolder("nightshift-outside-");
        var secret = outside.File("secret.txt");
        await File.WriteAllTextAsync(secret, "host secret");
        File.CreateSymbolicLink(worktree.File("escape"), secret);
        File.CreateSymbolicLink(worktree.File("escape-dir"), outside.Path);
        File.CreateSymbolicLink(worktree.File("shadow"), "/etc/shadow");

        var result = await jail.ShellAsync(worktree, "cat escape; cat escape-dir/secret.txt; cat shadow; echo overwritten > escape; echo new > escape-dir/new.txt; echo end");

        result.Stdout.ShouldNotContain("host secret");
        result.Stdout.ShouldNotContain("root:");
        result.Stdout.ShouldEndWith("end\n");
        (await File.ReadAllTextAsync(secret)).ShouldBe("host secret");
        File.Exists(outside.File("new.txt")).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_HardLinkToFileOutsideWorktree_Fails()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "ln /etc/passwd pw && echo linked-etc; ln /usr/bin/bash b && echo linked-usr; ln /tmp x 2>/dev/null; touch /tmp/t && ln /tmp/t t && echo linked-tmp; echo end");

        result.Stdout.ShouldBe("end\n", result.Stderr);
        File.Exists(worktree.File("pw")).ShouldBeFalse();
        File.Exists(worktree.File("b")).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_Mknod_Fails()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "mknod /tmp/mem c 1 1 && echo made-tmp; mknod dev-null c 1 3 && echo made-workspace; mknod /dev/x b 8 0 && echo made-dev; echo end");

        result.Stdout.ShouldBe("end\n");
        File.Exists(worktree.File("dev-null")).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_EtcIsTheJailsOwn_NoHostAccountsOrShadow()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "cat /etc/passwd; ls /etc/shadow /etc/gshadow /etc/sudoers /etc/ssh 2>/dev/null; whoami; ls /root 2>/dev/null && echo root-visible; echo end");

        result.Stdout.ShouldContain("sandbox:x:1000:1000");
        result.Stdout.ShouldNotContain("postgres");
        result.Stdout.ShouldNotContain("shadow");
        result.Stdout.ShouldNotContain("root-visible");
        result.Stdout.ShouldEndWith("sandbox\nend\n");
    }

    [Fact]
    public async Task RunAsync_HostTlsKeys_NotVisibleWhileCertificatesAre()
    {
        using var worktree = new TempFolder();

        // The jail's user maps to the worker's uid, the owner of /etc/ssl/private when the worker runs as root.
        var result = await jail.ShellAsync(worktree, "ls /etc/ssl/private 2>/dev/null && echo private-visible; test -d /etc/ssl/certs && echo certs; echo end");

        result.Stdout.ShouldBe(Directory.Exists("/etc/ssl/certs") ? "certs\nend\n" : "end\n");
    }

    [Fact]
    public async Task RunAsync_RemountReadOnlyFolderWritable_Fails()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "mount -o remount,rw /usr 2>/dev/null && echo remounted; mount -t tmpfs none /usr 2>/dev/null && echo mounted; unshare -U true 2>/dev/null && echo nested-userns; echo end");

        result.Stdout.ShouldBe("end\n");
    }
}

/// <summary>The tests above, each command in a jail set up on its path.</summary>
public sealed class FilesystemIsolationTestsInNewJails(Jail jail) : FilesystemIsolationTests(jail), IClassFixture<Jail>;

/// <summary>The tests above, each command in a jail set up ahead of it.</summary>
public sealed class FilesystemIsolationTestsInReadyJails(ReadyJailFixture jail) : FilesystemIsolationTests(jail), IClassFixture<ReadyJailFixture>;
