using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests;

public sealed class AvailabilityTests
{
    [Fact]
    public async Task RunAsync_BwrapMissing_ThrowsUnavailableSayingHowToFix()
    {
        using var state = new TempFolder();
        using var worktree = new TempFolder();
        var sandbox = Jail.Create(new SandboxOptions { BwrapPath = "/nonexistent/bwrap", StateDirectory = state.Path });

        var error = await Should.ThrowAsync<SandboxUnavailableException>(() => sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path }));

        error.Message.ShouldContain("apt-get install bubblewrap");
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task RunAsync_BwrapCannotSetUpJail_ThrowsUnavailableSayingHowToFix()
    {
        using var state = new TempFolder("nightshift-sandbox-state-");
        using var worktree = new TempFolder();
        var fake = Path.Join(state.Path, "bwrap");
        File.WriteAllText(fake, "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var sandbox = Jail.Create(new SandboxOptions { BwrapPath = fake, StateDirectory = state.Path });

        var error = await Should.ThrowAsync<SandboxUnavailableException>(() => sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path }));

        error.Message.ShouldContain("Permission denied");
        error.Message.ShouldContain("user namespaces");
    }

    [Fact]
    public async Task CheckAsync_BwrapMissing_NotOkWithFix()
    {
        using var state = new TempFolder();
        var options = new SandboxOptions { BwrapPath = "no-such-bwrap-here", StateDirectory = state.Path };
        var probe = new SandboxProbe(Jail.Create(options), Options.Create(options));

        var check = await probe.CheckAsync();

        check.Ok.ShouldBeFalse();
        check.Fix.ShouldNotBeNull().ShouldContain("install");
    }

    [Fact]
    public async Task CheckAsync_RealBwrap_OkWithDetails()
    {
        using var state = new TempFolder();
        var options = new SandboxOptions { StateDirectory = state.Path };
        var probe = new SandboxProbe(Jail.Create(options), Options.Create(options));

        var check = await probe.CheckAsync();

        check.Ok.ShouldBeTrue(check.Fix);
        check.Details.ShouldContain(d => d.Contains("no_new_privs", StringComparison.Ordinal));
        check.Details.ShouldContain(d => d.StartsWith("cgroup", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_UnsafeSwitchFromEnvironment_RunsOnHostWarnsAndSaysNotSandboxed()
    {
        using var state = new TempFolder();
        using var worktree = new TempFolder();
        var logger = new ListLogger<BubblewrapSandbox>();
        var sandbox = Jail.Create(new SandboxOptions { BwrapPath = "/nonexistent/bwrap", StateDirectory = state.Path },
            name => name == SandboxOptions.UnsafeNoSandboxVariable ? "1" : null, logger);
        Environment.SetEnvironmentVariable("NIGHTSHIFT_UNSAFE_CANARY_TOKEN", "should-not-pass");
        try
        {
            var first = await sandbox.RunAsync(CommandSpec.Shell("pwd; env") with { WorktreePath = worktree.Path });
            await sandbox.RunAsync(CommandSpec.Exec("true") with { WorktreePath = worktree.Path });

            first.Sandboxed.ShouldBeFalse();
            first.Stdout.ShouldStartWith(worktree.Path + "\n");
            first.Stdout.ShouldNotContain("should-not-pass");
            logger.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("WITHOUT a sandbox", StringComparison.Ordinal)).ShouldBe(2);
        }
        finally
        {
            Environment.SetEnvironmentVariable("NIGHTSHIFT_UNSAFE_CANARY_TOKEN", null);
        }
    }

    [Fact]
    public async Task CheckAsync_UnsafeSwitchOn_NotOk()
    {
        var options = new SandboxOptions { AllowUnsandboxed = true };
        var probe = new SandboxProbe(Jail.Create(options), Options.Create(options));

        var check = await probe.CheckAsync();

        check.Ok.ShouldBeFalse();
        check.Summary.ShouldContain("UNSAFE");
    }

    [Fact]
    public void AddNightshiftSandbox_BindsSectionAndResolvesSandbox()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sandbox:BwrapPath"] = "/usr/bin/bwrap",
            ["Sandbox:DefaultTimeout"] = "00:02:00",
            ["Sandbox:DefaultLimits:Processes"] = "77",
        }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddNightshiftSandbox().BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<SandboxOptions>>().Value;

        provider.GetRequiredService<ISandbox>().ShouldBeOfType<BubblewrapSandbox>();
        provider.GetRequiredService<SandboxProbe>().ShouldNotBeNull();
        options.DefaultTimeout.ShouldBe(TimeSpan.FromMinutes(2));
        options.DefaultLimits.Processes.ShouldBe(77);
        options.AllowUnsandboxed.ShouldBeFalse();
    }

    [Fact]
    public void AddNightshiftSandbox_InvalidSettings_FailWithFixableMessage()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sandbox:DefaultTimeout"] = "-00:00:01",
            ["Sandbox:EtcEntries:0"] = "shadow",
            ["Sandbox:EtcEntries:1"] = "ssl",
            ["Sandbox:EtcEntries:2"] = "ssl/private/",
        }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddNightshiftSandbox().BuildServiceProvider();

        var error = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SandboxOptions>>().Value);

        error.Message.ShouldContain("Sandbox:DefaultTimeout");
        error.Message.ShouldContain("shadow");
        error.Message.ShouldContain("'ssl'");
        error.Message.ShouldContain("'ssl/private/'");
    }
}
