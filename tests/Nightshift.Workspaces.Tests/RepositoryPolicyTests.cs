using Microsoft.Extensions.Options;
using Nightshift.TestKit.Git;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Workspaces.Tests;

public sealed class RepositoryPolicyTests
{
    private static RepositoryPolicy Policy(Action<RepositoryOptions>? configure = null)
    {
        var options = new RepositoryOptions();
        configure?.Invoke(options);
        return new RepositoryPolicy(Options.Create(options));
    }

    [Theory]
    [InlineData("https://github.com/owner/repo.git", RepositoryKind.Https, "https://github.com/owner/repo.git")]
    [InlineData("https://GitHub.COM/owner/repo", RepositoryKind.Https, "https://github.com/owner/repo")]
    [InlineData("  https://gitlab.com/group/sub/project.git  ", RepositoryKind.Https, "https://gitlab.com/group/sub/project.git")]
    [InlineData("https://bitbucket.org:443/team/repo.git", RepositoryKind.Https, "https://bitbucket.org:443/team/repo.git")]
    [InlineData("ssh://git@github.com/owner/repo.git", RepositoryKind.Ssh, "ssh://git@github.com/owner/repo.git")]
    [InlineData("ssh://git@github.com:2222/owner/repo.git", RepositoryKind.Ssh, "ssh://git@github.com:2222/owner/repo.git")]
    [InlineData("git@github.com:owner/repo.git", RepositoryKind.Ssh, "git@github.com:owner/repo.git")]
    [InlineData("github.com:owner/repo.git", RepositoryKind.Ssh, "github.com:owner/repo.git")]
    public void Resolve_AllowedRemote_AcceptedAndNormalized(string input, RepositoryKind kind, string location)
    {
        var resolved = Policy().Resolve(input);

        resolved.Kind.ShouldBe(kind);
        resolved.Location.ShouldBe(location);
        resolved.Key.ShouldMatch("^[a-z0-9._-]+-[0-9a-f]{12}$");
    }

    [Fact]
    public void Resolve_EquivalentSpellings_ShareOneMirrorKey()
    {
        var policy = Policy();

        var a = policy.Resolve("https://github.com/owner/repo.git").Key;
        var b = policy.Resolve("https://GITHUB.com/owner/repo").Key;
        var other = policy.Resolve("https://github.com/owner/other").Key;

        b.ShouldBe(a);
        other.ShouldNotBe(a);
        policy.Resolve("git@github.com:owner/repo.git").Key.ShouldBe(policy.Resolve("ssh://git@github.com/owner/repo.git").Key);
    }

    [Theory]
    [InlineData("https://evil.example.com/x/y.git", "repository 'https://evil.example.com/x/y.git' is not allowed: only hosts in Repositories:AllowedHosts are (currently github.com, gitlab.com, bitbucket.org)")]
    [InlineData("file:///etc/passwd", "file:// URLs are refused; give the local folder's absolute path instead, under a folder in Repositories:AllowedRoots")]
    [InlineData("FILE:///tmp/x", "file:// URLs are refused")]
    [InlineData("ext::sh -c touch% /tmp/pwn", "git remote helpers ('ext::') can run programs")]
    [InlineData("fd::17", "git remote helpers ('fd::') can run programs")]
    [InlineData("custom-helper::https://github.com/x/y", "git remote helpers ('custom-helper::') can run programs")]
    [InlineData("--upload-pack=touch /tmp/pwn", "starts with '-', which git would read as an option")]
    [InlineData("-oProxyCommand=touch /tmp/pwn", "starts with '-'")]
    [InlineData("git://github.com/x/y.git", "the git:// scheme is not supported")]
    [InlineData("ftp://github.com/x/y.git", "the ftp:// scheme is not supported")]
    [InlineData("http://github.com/x/y.git", "set Repositories:AllowInsecureHttp to true")]
    [InlineData("https://127.0.0.1/x/y.git", "'127.0.0.1' is a loopback, private or local address; a forge on your own network needs Repositories:AllowPrivateAddresses set to true")]
    [InlineData("https://localhost/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://git.localhost/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://gitserver/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://nas.local/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://10.1.2.3/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://172.20.0.1/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://192.168.1.10/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://169.254.169.254/latest/meta-data", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://0.0.0.0/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://2130706433/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://0x7f.0.0.1/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://[::1]/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://[fe80::1]/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://[fd12:3456::1]/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://[::ffff:127.0.0.1]/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://[::ffff:8.8.8.8]/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("ssh://git@127.0.0.1/x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("git@localhost:x/y.git", "Repositories:AllowPrivateAddresses")]
    [InlineData("https://8.8.8.8/x/y.git", "only hosts in Repositories:AllowedHosts are")]
    [InlineData("https://github.com/x/y.git?ref=main", "contains '?', which is not accepted in a repository path")]
    [InlineData("https://github.com/x/y.git#frag", "contains '#'")]
    [InlineData("https://github.com/x/$(touch /tmp/pwn)", "contains '$'")]
    [InlineData("https://github.com/x/`id`", "contains '`'")]
    [InlineData("https://github.com/x/y z", "contains ' '")]
    [InlineData("https://github.com/../../etc/passwd", "a path with '..'")]
    [InlineData("git@github.com:-x/y.git", "segment starting with '-'")]
    [InlineData("https://github.com", "names no repository path")]
    [InlineData("https://github.com/", "names no repository path")]
    [InlineData("https://github.com:99999/x/y.git", "has an invalid port")]
    [InlineData("https://github.com:abc/x/y.git", "has an invalid port")]
    [InlineData("https://git hub.com/x/y.git", "malformed host name")]
    [InlineData("https://gïthub.com/x/y.git", "malformed host name")]
    [InlineData("https://[::1/x/y.git", "malformed address in brackets")]
    [InlineData("https://github.com/x/y\u0001", "contains control characters")]
    [InlineData("https://github.com/x\n/y", "contains control characters")]
    [InlineData("owner/repo", "neither a URL")]
    [InlineData("./repo", "neither a URL")]
    [InlineData("", "repository is empty")]
    [InlineData("   ", "repository is empty")]
    public void Resolve_RefusedInput_ThrowsWithActionableMessage(string input, string expected)
    {
        var error = Should.Throw<RepositoryRefusedException>(() => Policy().Resolve(input));

        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void Resolve_Null_Refused()
    {
        Should.Throw<RepositoryRefusedException>(() => Policy().Resolve(null)).Message.ShouldContain("repository is empty");
    }

    [Fact]
    public void Resolve_OverlongValue_RefusedWithoutEchoingAllOfIt()
    {
        var input = "https://github.com/" + new string('a', 5000);

        var error = Should.Throw<RepositoryRefusedException>(() => Policy().Resolve(input));

        error.Message.ShouldContain("at most 2048 are accepted (Repositories:MaxLength)");
        error.Message.Length.ShouldBeLessThan(500);
    }

    [Theory]
    [InlineData("https://alice:s3cret-pass@github.com/x/y.git", "s3cret-pass")]
    [InlineData("https://ghp_abcdef123456@github.com/x/y.git", "ghp_abcdef123456")]
    [InlineData("ssh://git:s3cret-pass@github.com/x/y.git", "s3cret-pass")]
    [InlineData("http://alice:s3cret-pass@github.com/x/y.git", "s3cret-pass")]
    [InlineData("https://alice:s3cret-pass@github.com/x/y\u0007", "s3cret-pass")]
    [InlineData("https://alice:s3cret-pass@evil.example.com/x/y.git", "s3cret-pass")]
    public void Resolve_EmbeddedCredentials_RefusedWithoutEchoingThem(string input, string secret)
    {
        var error = Should.Throw<RepositoryRefusedException>(() => Policy().Resolve(input));

        error.Message.ShouldNotContain(secret);
        error.Message.ShouldContain("***");
    }

    [Fact]
    public void Resolve_UserInfoWithoutPassword_RefusedForHttps()
    {
        Should.Throw<RepositoryRefusedException>(() => Policy().Resolve("https://alice@github.com/x/y.git"))
            .Message.ShouldContain("carries credentials in its URL");
    }

    [Fact]
    public void Resolve_PrivateHostAllowedBySettings_Accepted()
    {
        var policy = Policy(o =>
        {
            o.AllowPrivateAddresses = true;
            o.AllowInsecureHttp = true;
            o.AllowedHosts = ["127.0.0.1", "git.corp"];
        });

        policy.Resolve("http://127.0.0.1:8080/x/y.git").Location.ShouldBe("http://127.0.0.1:8080/x/y.git");
        policy.Resolve("https://git.corp/x/y.git").Kind.ShouldBe(RepositoryKind.Https);
        Should.Throw<RepositoryRefusedException>(() => policy.Resolve("https://github.com/x/y.git"))
            .Message.ShouldContain("(currently 127.0.0.1, git.corp)");
    }

    [Fact]
    public void Resolve_WildcardHost_MatchesSubdomainsOnly()
    {
        var policy = Policy(o => o.AllowedHosts = ["*.example.com"]);

        policy.Resolve("https://git.example.com/x/y.git").Kind.ShouldBe(RepositoryKind.Https);
        Should.Throw<RepositoryRefusedException>(() => policy.Resolve("https://example.com/x/y.git"));
        Should.Throw<RepositoryRefusedException>(() => policy.Resolve("https://evilexample.com/x/y.git"));
    }

    [Fact]
    public void Resolve_NoHostsAllowed_SaysNone()
    {
        Should.Throw<RepositoryRefusedException>(() => Policy(o => o.AllowedHosts = []).Resolve("https://github.com/x/y.git"))
            .Message.ShouldContain("(currently none)");
    }

    [Fact]
    public void Resolve_LocalRepositoryUnderAllowedRoot_AcceptedAsRealPath()
    {
        using var repo = TempGitRepo.Create();
        var policy = Policy(o => o.AllowedRoots = [repo.Root]);

        var bare = policy.Resolve(repo.RemotePath);
        var working = policy.Resolve(repo.WorkPath + "/");

        bare.Kind.ShouldBe(RepositoryKind.LocalPath);
        bare.Location.ShouldBe(repo.RemotePath);
        working.Location.ShouldBe(repo.WorkPath);
        working.Key.ShouldNotBe(bare.Key);
        bare.Key.ShouldStartWith("local-remote.git-");
    }

    [Fact]
    public void Resolve_LocalRepositoryWithoutAllowedRoots_RefusedNamingTheSetting()
    {
        using var repo = TempGitRepo.Create();

        var error = Should.Throw<RepositoryRefusedException>(() => Policy().Resolve(repo.RemotePath));

        error.Message.ShouldStartWith($"local repository '{repo.RemotePath}' is not allowed: only folders under Repositories:AllowedRoots are (currently none).");
    }

    [Fact]
    public void Resolve_LocalRepositoryWithoutAllowedRoots_SaysEveryWayToAllowIt()
    {
        using var repo = TempGitRepo.Create();
        var real = LocalPaths.RealPath(repo.RemotePath);

        var error = Should.Throw<RepositoryRefusedException>(() => Policy().Resolve(repo.RemotePath));

        error.Message.ShouldContain($"nightshift up --allow-repo {real}");
        error.Message.ShouldContain($"NIGHTSHIFT__Repositories__AllowedRoots__0={real}");
        error.Message.ShouldContain($"\"Repositories\": {{ \"AllowedRoots\": [ \"{real}\" ] }}");
        error.Message.ShouldContain("appsettings.json in the data folder");
    }

    [Fact]
    public void Resolve_SymlinkOrDotDotLeavingTheRoot_Refused()
    {
        using var outside = TempGitRepo.Create();
        using var repo = TempGitRepo.Create();
        var allowed = repo.NewFolder("allowed");
        var link = Path.Combine(allowed, "link");
        Directory.CreateSymbolicLink(link, outside.RemotePath);
        var policy = Policy(o => o.AllowedRoots = [allowed]);

        Should.Throw<RepositoryRefusedException>(() => policy.Resolve(link)).Message.ShouldContain("Repositories:AllowedRoots");
        Should.Throw<RepositoryRefusedException>(() => policy.Resolve(allowed + "/../remote.git")).Message.ShouldContain("Repositories:AllowedRoots");
    }

    [Fact]
    public void Resolve_LocalFolderThatIsNoRepository_Refused()
    {
        using var repo = TempGitRepo.Create();
        var plain = repo.NewFolder("plain");
        var policy = Policy(o => o.AllowedRoots = [repo.Root]);

        Should.Throw<RepositoryRefusedException>(() => policy.Resolve(plain)).Message.ShouldContain("is not a git repository");
        Should.Throw<RepositoryRefusedException>(() => policy.Resolve(Path.Combine(repo.Root, "missing"))).Message.ShouldContain("does not exist");
    }
}
