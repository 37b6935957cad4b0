using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public abstract class ToolchainTests(Jail jail)
{
    [Fact]
    public async Task RunAsync_HostToolchains_RunInsideJail()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "git --version && python3 -c 'print(6*7)' && node -e 'console.log(2+3)' && make --version | head -1 && test -x \"$(command -v dotnet)\" && echo dotnet-ok");

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("git version");
        result.Stdout.ShouldContain("42\n5\n");
        result.Stdout.ShouldEndWith("dotnet-ok\n");
    }

    [Fact]
    public async Task RunAsync_CacheFolder_PersistsAcrossCommandsAndHomeDoesNot()
    {
        using var worktree = new TempFolder();
        using var cache = new TempFolder("nightshift-cache-");

        var first = await jail.ShellAsync(worktree, "echo pkg > ~/.npm/installed; echo h > ~/mine; echo $npm_config_cache $NUGET_PACKAGES",
            s => s with { CachePath = cache.Path });
        var second = await jail.ShellAsync(worktree, "cat ~/.npm/installed; ls ~/mine 2>/dev/null || echo home-fresh",
            s => s with { CachePath = cache.Path });

        first.Stdout.ShouldBe("/cache/npm /cache/nuget/packages\n", first.Stderr);
        second.Stdout.ShouldBe("pkg\nhome-fresh\n", second.Stderr);
        File.ReadAllText(cache.File("npm/installed")).ShouldBe("pkg\n");
    }

    [Fact]
    public async Task RunAsync_AllowedExtraEnvironment_IsVisible()
    {
        using var worktree = new TempFolder();

        var result = await jail.ShellAsync(worktree, "echo $NODE_ENV $DOTNET_ENVIRONMENT",
            s => s with { Environment = new Dictionary<string, string> { ["NODE_ENV"] = "test", ["DOTNET_ENVIRONMENT"] = "Ci" } });

        result.Stdout.ShouldBe("test Ci\n");
    }
}

/// <summary>The tests above, each command in a jail set up on its path.</summary>
public sealed class ToolchainTestsInNewJails(Jail jail) : ToolchainTests(jail), IClassFixture<Jail>;

/// <summary>The tests above, each command in a jail set up ahead of it.</summary>
public sealed class ToolchainTestsInReadyJails(ReadyJailFixture jail) : ToolchainTests(jail), IClassFixture<ReadyJailFixture>;
