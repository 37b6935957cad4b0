using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Nightshift.Sandbox.Network;
using Nightshift.TestKit.Sandbox;

namespace Nightshift.Sandbox.Tests.Interception;

/// <summary>
/// Real bubblewrap, the real proxy and curl inside the jail against an HTTPS server on 127.0.0.1 whose certificate
/// comes from a test CA (given to the proxy as Sandbox:Egress:UpstreamCaFile): the credential reaches the server and
/// is found nowhere the command could look.
/// </summary>
public sealed class CredentialJailTests : IDisposable
{
    private const string Secret = "fake-jail-credential-9d2b7c41e0";

    private readonly TempFolder _state = new("nightshift-sandbox-state-");
    private readonly TempFolder _ca = new("nightshift-egress-ca-test-");
    private readonly TempFolder _worktree = new();
    private readonly TempFolder _cache = new("nightshift-cache-test-");
    private readonly LoopbackHttpsServer _server = new();
    private readonly ListLogger<BubblewrapSandbox> _log = new();
    private readonly BubblewrapSandbox _sandbox;

    public CredentialJailTests()
    {
        _sandbox = Jail.Create(new SandboxOptions
        {
            StateDirectory = _state.Path,
            Egress = new EgressOptions
            {
                AllowPrivate = [$"127.0.0.1:{_server.Port}", $"[::1]:{_server.Port}"],
                CaFolder = _ca.Path,
                UpstreamCaFile = _server.CaFile,
            },
        }, logger: _log);
        File.Copy(_server.CaFile, Path.Join(_worktree.Path, "upstream-ca.pem"));
    }

    [Fact]
    public async Task RunAsync_CredentialedHost_CurlInTheJailReachesTheServerWithTheCredentialAndTrustsTheProxy()
    {
        var decisions = new ConcurrentQueue<NetworkDecision>();

        var result = await RunAsync($"curl -sS --fail --max-time 10 --noproxy '' -H 'Authorization: Bearer the-commands-own' https://localhost:{_server.Port}/private; echo", decisions);

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldBe(LoopbackHttpsServer.Body + "\n");
        var request = _server.Requests.ShouldHaveSingleItem();
        request.ShouldContain($"Authorization: Bearer {Secret}\r\n");
        request.ShouldNotContain("the-commands-own");
        decisions.Select(d => d.Method).ShouldBe(["CONNECT", "GET"]);
        decisions.ShouldAllBe(d => d.Allowed);
    }

    [Fact]
    public async Task RunAsync_CredentialedHost_TheJailSeesTheProxysCertificateNotTheUpstreams()
    {
        var result = await RunAsync($"curl -sS --max-time 10 --noproxy '' --cacert /workspace/upstream-ca.pem https://localhost:{_server.Port}/ ; echo \"exit=$?\"");

        result.Stdout.ShouldContain("exit=60", customMessage: result.Stderr);
        _server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_HostWithoutCredential_TunnelledUntouchedSoTheUpstreamsOwnCaVerifiesIt()
    {
        var result = await RunAsync($"curl -sS --fail --max-time 10 --noproxy '' --cacert /workspace/upstream-ca.pem -H 'Authorization: Bearer the-commands-own' https://localhost:{_server.Port}/open", credentials: []);

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldBe(LoopbackHttpsServer.Body);
        _server.Requests.ShouldHaveSingleItem().ShouldContain("Authorization: Bearer the-commands-own\r\n");
    }

    [Fact]
    public async Task RunAsync_CaBundleVariables_SetByTheSandboxAndTheKeyNeverMounted()
    {
        var result = await RunAsync($"""
            for v in SSL_CERT_FILE NODE_EXTRA_CA_CERTS REQUESTS_CA_BUNDLE PIP_CERT CURL_CA_BUNDLE GIT_SSL_CAINFO; do echo "$v=${"{"}!v{"}"}"; done
            grep -c 'BEGIN CERTIFICATE' {SandboxPaths.CaBundle}
            grep -rl 'PRIVATE KEY' / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev --exclude-dir=usr 2>/dev/null | head -5
            echo done
            """);

        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Take(6).ShouldAllBe(l => l.EndsWith("=" + SandboxPaths.CaBundle, StringComparison.Ordinal), result.Stdout + result.Stderr);
        int.Parse(lines[6], System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(1, "the system's roots and the egress CA");
        lines[7].ShouldBe("done", "no file in the jail holds a private key: " + result.Stdout);
        File.ReadAllText(Path.Join(_ca.Path, "ca.pem")).Trim().ShouldNotBeEmpty();
    }

    [Fact]
    public async Task RunAsync_CaBundleVariable_CannotBeReplacedBySpec()
    {
        var error = await Should.ThrowAsync<Nightshift.Core.Errors.ValidationException>(() => _sandbox.RunAsync(CommandSpec.Exec("true") with
        {
            WorktreePath = _worktree.Path,
            Network = NetworkPolicy.On,
            Environment = new Dictionary<string, string> { ["PIP_CERT"] = "/workspace/evil.pem" },
        }));

        error.Message.ShouldContain("PIP_CERT' is set by the sandbox itself");
    }

    [Fact]
    public async Task RunAsync_SearchEverywhere_TheCredentialIsNowhereInTheJailNorInEventsOrLogs()
    {
        var decisions = new ConcurrentQueue<NetworkDecision>();
        // The jail copies what it can see (every process's environment and command line while a request is in flight,
        // HOME, /tmp, /cache, the proxy's folder and the CA bundle's) into the worktree; the host searches all of it.
        var script = $"""
            set -u
            mkdir -p /workspace/dump
            curl -sS -v --max-time 10 --noproxy '' https://localhost:{_server.Port}/echo-header -H 'X-Echo: Authorization' -o /workspace/dump/echoed 2>/workspace/dump/curl-verbose &
            for i in $(seq 1 50); do [ -s /workspace/dump/curl-verbose ] && break; sleep 0.05; done
            for p in /proc/[0-9]*; do cat $p/environ $p/cmdline 2>/dev/null; echo; done > /workspace/dump/proc
            wait
            for p in /proc/[0-9]*; do cat $p/environ $p/cmdline 2>/dev/null; echo; done >> /workspace/dump/proc
            cp -rL $HOME /workspace/dump/home; cp -r /tmp /workspace/dump/tmp; cp -r /cache /workspace/dump/cache
            ls -la {SandboxPaths.ProxyFolder} > /workspace/dump/run-listing; cp -r /etc/ssl/nightshift /workspace/dump/ssl
            env; cat /workspace/dump/curl-verbose
            """;

        var result = await RunAsync(script, decisions);

        File.ReadAllText(Path.Join(_worktree.Path, "dump", "echoed")).ShouldBe($"Bearer {Secret}", "the server saw the credential");
        File.Delete(Path.Join(_worktree.Path, "dump", "echoed"));
        new FileInfo(Path.Join(_worktree.Path, "dump", "proc")).Length.ShouldBeGreaterThan(100);
        var found = new List<string>();
        foreach (var root in new[] { _worktree.Path, _cache.Path, _state.Path })
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                if (new FileInfo(file).LinkTarget is null && Encoding.Latin1.GetString(File.ReadAllBytes(file)).Contains(Secret, StringComparison.Ordinal))
                {
                    found.Add(file);
                }
            }
        }
        found.ShouldBeEmpty();
        result.Stdout.ShouldNotContain(Secret);
        result.Stderr.ShouldNotContain(Secret);
        decisions.ShouldNotBeEmpty();
        decisions.ShouldAllBe(d => !d.ToString().Contains(Secret, StringComparison.Ordinal));
        _log.Entries.ShouldAllBe(e => !e.Message.Contains(Secret, StringComparison.Ordinal));
        new EgressCredential("localhost", _server.Port, "Authorization", "Bearer " + Secret).ToString().ShouldNotContain(Secret);
    }

    private Task<CommandResult> RunAsync(string script, ConcurrentQueue<NetworkDecision>? decisions = null, IReadOnlyList<EgressCredential>? credentials = null) =>
        _sandbox.RunAsync(CommandSpec.Shell(script) with
        {
            WorktreePath = _worktree.Path,
            CachePath = _cache.Path,
            Network = NetworkPolicy.On,
            EgressCredentials = credentials ?? [new EgressCredential("localhost", _server.Port, "Authorization", "Bearer " + Secret)],
            OnNetwork = decisions is null ? null : decisions.Enqueue,
            Timeout = TimeSpan.FromSeconds(30),
        });

    public void Dispose()
    {
        _sandbox.Dispose();
        _server.Dispose();
        _worktree.Dispose();
        _cache.Dispose();
        _ca.Dispose();
        _state.Dispose();
    }
}
