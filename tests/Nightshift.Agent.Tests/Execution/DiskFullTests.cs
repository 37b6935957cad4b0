using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Nightshift.Agent.Execution;
using Nightshift.TestKit;
using Nightshift.TestKit.Git;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>A full disk is a failed attempt (retried), never a failed task: the real shapes of ENOSPC are recognised.</summary>
public sealed class DiskFullTests
{
    private const string Data = "/var/lib/nightshift";

    [Fact]
    public void DiskFullReason_RealEnospcWritingToAFullDevice_NamesTheFullDiskThePathAndTheDataFolder()
    {
        var error = Should.Throw<IOException>(() => File.WriteAllBytes("/dev/full", new byte[4096]));

        var reason = AgentTaskExecutor.DiskFullReason(error, Data).ShouldNotBeNull();

        reason.ShouldContain("the disk is full");
        reason.ShouldContain("/dev/full");
        reason.ShouldContain(Data);
        reason.ShouldContain("retried");
    }

    [Fact]
    public void DiskFullReason_WrappedInAWorkspaceError_IsFoundInside()
    {
        var inner = Should.Throw<IOException>(() => File.WriteAllBytes("/dev/full", new byte[4096]));
        var outer = new WorkspaceException("the worktree could not be written", inner);

        AgentTaskExecutor.DiskFullReason(outer, Data).ShouldNotBeNull().ShouldContain("/dev/full");
    }

    [Fact]
    public void DiskFullReason_OtherIoAndWorkspaceErrors_AreNotADiskFull()
    {
        var denied = Should.Throw<Exception>(() => File.ReadAllBytes("/proc/self/mem"));

        AgentTaskExecutor.DiskFullReason(denied, Data).ShouldBeNull();
        AgentTaskExecutor.DiskFullReason(new IOException("Permission denied", 13), Data).ShouldBeNull();
        AgentTaskExecutor.DiskFullReason(new WorkspaceException("base branch 'main' not found in the repository"), Data).ShouldBeNull();
        AgentTaskExecutor.DiskFullReason(new InvalidOperationException("a bug", new FileNotFoundException("gone", "/tmp/x")), Data).ShouldBeNull();
    }

    [Fact]
    public void DiskFullReason_GitCouldNotWriteOnADiskWithRoom_IsNotADiskFull()
    {
        var roomy = Path.GetTempPath();
        new DriveInfo(roomy).AvailableFreeSpace.ShouldBeGreaterThan(64L * 1024 * 1024, "the test needs a temp folder with room");
        var error = new WorkspaceException("checking out failed: error: unable to write file 'big.bin' / fatal: Could not reset index file to revision 'HEAD'.");

        AgentTaskExecutor.DiskFullReason(error, roomy).ShouldBeNull();
    }

    [RootFact]
    public async Task DiskFullReason_CheckoutOntoAFullTmpfs_GitsOwnErrorIsADiskFull()
    {
        using var repo = TempGitRepo.Create();
        repo.Commit("a file larger than the disk", ("big.bin", new string('x', 1_000_000)));
        var disk = repo.NewFolder("small-disk");
        Run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk);
        try
        {
            var options = new WorkspaceOptions { DataDirectory = disk };
            await using var services = new WorkspaceServices(
                new RepositoryPolicy(Options.Create(new RepositoryOptions { AllowedRoots = [repo.Root] })),
                Options.Create(options), TimeProvider.System, NullLogger<WorkspaceServices>.Instance);

            var error = await Should.ThrowAsync<Exception>(() =>
                services.Tasks.PrepareAsync(new WorkspaceRequest("01fulldisk0000000000000000", repo.RemotePath, null, "full disk"), TestDefaults.TimeoutToken()));

            var reason = AgentTaskExecutor.DiskFullReason(error, disk).ShouldNotBeNull($"not recognised as a full disk: {error}");
            reason.ShouldContain(disk);
            reason.ShouldContain("the disk is full");
        }
        finally
        {
            Run("umount", "--lazy", disk);
        }
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, $"{command} {string.Join(' ', arguments)} failed: {error}");
    }
}

/// <summary>A test that mounts a file system: skipped, with the reason, unless the tests run as root.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "mounting a small tmpfs to fill needs root; run the tests as root to check a full disk for real";
        }
    }
}
