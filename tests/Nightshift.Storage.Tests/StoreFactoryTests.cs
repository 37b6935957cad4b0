using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Errors;
using Nightshift.TestKit.Time;

namespace Nightshift.Storage.Tests;

public sealed class StoreFactoryTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("nightshift-factory-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void Describe_NoDatabase_IsTheSqliteFileInTheDataFolder()
    {
        StoreFactory.Describe(_data, null).SqlitePath.ShouldBe(Path.Combine(_data, "nightshift.db"));
        StoreFactory.Describe(_data, "  ").SqlitePath.ShouldBe(Path.Combine(_data, "nightshift.db"));
    }

    [Theory]
    [InlineData("/var/lib/nightshift/tasks.db")]
    [InlineData("./tasks=old.db")]
    [InlineData("relative/tasks.db")]
    public void Describe_Path_IsSqlite(string value)
    {
        var target = StoreFactory.Describe(_data, value);

        target.Postgres.ShouldBeNull();
        target.SqlitePath.ShouldBe(Path.GetFullPath(value));
    }

    [Theory]
    [InlineData("postgres://night:s3cret@db.internal:6543/nightshift", "db.internal", 6543, "nightshift", "night")]
    [InlineData("postgresql://night@db.internal/nightshift?sslmode=disable", "db.internal", 5432, "nightshift", "night")]
    [InlineData("Host=db.internal;Port=6543;Database=nightshift;Username=night;Password=s3cret", "db.internal", 6543, "nightshift", "night")]
    [InlineData("host = db.internal; database = nightshift; username = night", "db.internal", 5432, "nightshift", "night")]
    public void Describe_PostgresForms_ArePostgres(string value, string host, int port, string database, string user)
    {
        var target = StoreFactory.Describe(_data, value);

        target.SqlitePath.ShouldBeNull();
        target.Postgres.ShouldNotBeNull();
        target.Postgres.Host.ShouldBe(host);
        target.Postgres.Port.ShouldBe(port);
        target.Postgres.Database.ShouldBe(database);
        target.Postgres.Username.ShouldBe(user);
    }

    [Fact]
    public void Describe_UrlWithEscapedPassword_DecodesIt()
    {
        var target = StoreFactory.Describe(_data, "postgres://night:p%40ss%3Aword@h/db");

        target.Postgres!.Password.ShouldBe("p@ss:word");
    }

    [Theory]
    [InlineData("postgres://")]
    [InlineData("postgres://night:s3cret@/nightshift")]
    [InlineData("postgres://night:s3cret@host:notaport/nightshift")]
    [InlineData("postgresql://night:s3cret@host/a/b")]
    [InlineData("postgres://night:s3cret@host/db?bogus_setting=s3cret")]
    [InlineData("Hots=db;Password=s3cret")]
    [InlineData("Host=db;Port=abc;Password=s3cret")]
    [InlineData("Host=;Password=s3cret")]
    [InlineData("mysql://night:s3cret@host/db")]
    public void Describe_MalformedValue_NamesTheProblemWithoutThePassword(string value)
    {
        var error = Should.Throw<StoreConfigurationException>(() => StoreFactory.Describe(_data, value));

        error.Message.ShouldContain("accepted forms");
        error.Message.ShouldNotContain("s3cret");
        error.InnerException.ShouldBeNull();
    }

    [Fact]
    public async Task Open_NestedMissingDataFolder_CreatesItAndTheDatabase()
    {
        var data = Path.Combine(_data, "a", "b");

        await using var store = await StoreFactory.OpenAsync(data, null, new ManualClock());

        store.Dialect.ShouldBe("sqlite");
        File.Exists(Path.Combine(data, "nightshift.db")).ShouldBeTrue();
    }

    [Fact]
    public async Task Open_FileThatIsNotADatabase_IsRefusedWithTheReason()
    {
        var path = Path.Combine(_data, "notes.txt");
        await File.WriteAllTextAsync(path, new string('x', 4096));

        var error = await Should.ThrowAsync<StoreConfigurationException>(() => StoreFactory.OpenAsync(_data, path, new ManualClock()));

        error.Message.ShouldContain(path);
    }

    [Fact]
    public async Task Open_UnreachablePostgres_IsRefusedWithoutThePassword()
    {
        using var free = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        free.Start();
        var port = ((System.Net.IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();

        var error = await Should.ThrowAsync<StoreConfigurationException>(
            () => StoreFactory.OpenAsync(_data, $"postgres://night:s3cret@127.0.0.1:{port}/nightshift", new ManualClock()));

        error.Message.ShouldContain($"127.0.0.1:{port}/nightshift");
        error.Message.ShouldNotContain("s3cret");
    }

    [Fact]
    public async Task Open_UnusableOptions_AreRefusedBeforeOpening()
    {
        var error = await Should.ThrowAsync<StoreConfigurationException>(
            () => StoreFactory.OpenAsync(_data, null, new ManualClock(), new StoreOptions { LeaseDuration = TimeSpan.Zero, RetryJitter = 3, ApprovalTimeout = TimeSpan.FromHours(-1) }));

        error.Message.ShouldContain("LeaseDuration");
        error.Message.ShouldContain("RetryJitter");
        error.Message.ShouldContain("ApprovalTimeout");
        File.Exists(Path.Combine(_data, "nightshift.db")).ShouldBeFalse();
    }

    [Fact]
    public async Task AddNightshiftStorage_ResolvesOneStoreForEveryPart()
    {
        var services = new ServiceCollection();
        services.AddNightshiftStorage(o => o.DataDirectory = _data);
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<INightshiftStore>();

        provider.GetRequiredService<ITaskStore>().ShouldBeSameAs(store);
        provider.GetRequiredService<ITaskQueue>().ShouldBeSameAs(store);
        provider.GetRequiredService<IEventLog>().ShouldBeSameAs(store);
        store.Dialect.ShouldBe("sqlite");
        File.Exists(Path.Combine(_data, "nightshift.db")).ShouldBeTrue();
    }
}
