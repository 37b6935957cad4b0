using Nightshift.Cli.Connection;

namespace Nightshift.Cli.Tests.Parsing;

public sealed class ConnectionResolverTests : IDisposable
{
    private readonly string data = Directory.CreateTempSubdirectory("ns-conn-").FullName;
    private readonly Dictionary<string, string?> variables = new();

    public void Dispose() => Directory.Delete(data, recursive: true);

    private ConnectionResolver Resolver() => new(new CliEnvironment
    {
        Out = TextWriter.Null,
        Error = TextWriter.Null,
        GetVariable = name => variables.GetValueOrDefault(name),
    });

    [Fact]
    public void Resolve_NothingConfigured_UsesTheDefaultUrlAndNoToken()
    {
        var connection = Resolver().Resolve(data, null, null);

        connection.BaseUrl.ShouldBe(new Uri("http://127.0.0.1:7700/"));
        connection.Token.ShouldBeNull();
    }

    [Fact]
    public void Resolve_Everywhere_OptionBeatsVariableBeatsServerFile()
    {
        File.WriteAllText(Path.Combine(data, "server.json"), """{"url":"http://127.0.0.1:4001","pid":1}""");
        File.WriteAllText(Path.Combine(data, "token"), "ns_file\n");
        var resolver = Resolver();

        resolver.Resolve(data, null, null).BaseUrl.Port.ShouldBe(4001);
        resolver.Resolve(data, null, null).Token.ShouldBe("ns_file");

        variables["NIGHTSHIFT_SERVER"] = "http://127.0.0.1:4002";
        variables["NIGHTSHIFT_TOKEN"] = "ns_env";
        resolver.Resolve(data, null, null).BaseUrl.Port.ShouldBe(4002);
        resolver.Resolve(data, null, null).Token.ShouldBe("ns_env");

        var chosen = resolver.Resolve(data, "http://127.0.0.1:4003/", "ns_option");
        chosen.BaseUrl.Port.ShouldBe(4003);
        chosen.Token.ShouldBe("ns_option");
        chosen.UrlSource.ShouldBe("--server");
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"url": 42}""")]
    [InlineData("""{"url": "ftp://127.0.0.1:1"}""")]
    [InlineData("[]")]
    public void Resolve_DamagedServerFile_FallsBackToTheDefault(string content)
    {
        File.WriteAllText(Path.Combine(data, "server.json"), content);

        Resolver().Resolve(data, null, null).BaseUrl.Port.ShouldBe(7700);
    }

    [Fact]
    public void Resolve_OversizedTokenFile_IsIgnored()
    {
        File.WriteAllText(Path.Combine(data, "token"), new string('a', 100_000));

        Resolver().Resolve(data, null, null).Token.ShouldBeNull();
    }

    [Theory]
    [InlineData("127.0.0.1:7700")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://user:pw@127.0.0.1:1")]
    [InlineData("")]
    public void Resolve_UnusableServerOption_ThrowsUsage(string url)
    {
        if (url.Length == 0)
        {
            variables["NIGHTSHIFT_SERVER"] = "   nonsense   ";
        }

        Should.Throw<UsageException>(() => Resolver().Resolve(data, url.Length == 0 ? null : url, null))
            .Message.ShouldContain("not usable");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("new\nline")]
    [InlineData("")]
    public void Resolve_TokenThatCannotBeAHeader_ThrowsUsage(string token)
    {
        Should.Throw<UsageException>(() => Resolver().Resolve(data, null, token));
    }

    [Fact]
    public void Resolve_ServerUrlWithPath_KeepsThePathForApiCalls()
    {
        var connection = Resolver().Resolve(data, "http://127.0.0.1:7700/nightshift", null);

        new Uri(connection.BaseUrl, "api/v1/tasks").AbsolutePath.ShouldBe("/nightshift/api/v1/tasks");
    }
}
