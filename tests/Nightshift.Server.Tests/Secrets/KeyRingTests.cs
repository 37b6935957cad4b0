using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Teams;
using Nightshift.Server.Secrets;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Secrets;

/// <summary>Where the key ring lives, and that a secret survives a restart (or a move to another server) with it.</summary>
public sealed class KeyRingTests
{
    private const string Value = "sk-test-keyring-0123456789abcdef";

    private static async Task WriteSettingsAsync(string data, object settings) =>
        await File.WriteAllTextAsync(Path.Combine(data, "appsettings.json"), JsonSerializer.Serialize(settings));

    private static async Task PutAsync(RunningServer server) =>
        (await server.Client.PutAsync("/api/v1/orgs/default/secrets/model.openai.api-key",
            new StringContent(JsonSerializer.Serialize(new { value = Value }), System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

    [Fact]
    public async Task Folder_Default_IsTheDataFoldersKeysOwnerOnlyAndSurvivesARestart()
    {
        using var data = new TempDirectory();
        await using (var first = await RunningServer.StartAsync(dataDirectory: data.Path))
        {
            await PutAsync(first);
        }

        var keys = Path.Combine(data.Path, "keys");
        Directory.EnumerateFiles(keys, "key-*.xml").ShouldNotBeEmpty();
        File.GetUnixFileMode(keys).ShouldBe(KeyFolder.OwnerOnly);
        await using var second = await RunningServer.StartAsync(dataDirectory: data.Path);
        (await second.App.Services.GetRequiredService<IOrgSecrets>().GetAsync("default", "model.openai.api-key")).ShouldBe(Value);
    }

    [Fact]
    public async Task Folder_KeysLost_SecretCannotBeReadAndTheErrorSaysWhy()
    {
        using var data = new TempDirectory();
        await using (var first = await RunningServer.StartAsync(dataDirectory: data.Path))
        {
            await PutAsync(first);
        }
        Directory.Delete(Path.Combine(data.Path, "keys"), recursive: true);

        await using var second = await RunningServer.StartAsync(dataDirectory: data.Path);
        var error = await Should.ThrowAsync<SecretUnreadableException>(() =>
            second.App.Services.GetRequiredService<IOrgSecrets>().GetAsync("default", "model.openai.api-key"));

        error.Message.ShouldContain("key ring");
        error.Message.ShouldNotContain(Value);
    }

    [Fact]
    public async Task KeysDirectory_Configured_HoldsTheKeysInstead()
    {
        using var data = new TempDirectory();
        using var shared = new TempDirectory();
        var folder = Path.Combine(shared.Path, "ring");
        await WriteSettingsAsync(data.Path, new { DataProtection = new { KeysDirectory = folder } });

        await using var server = await RunningServer.StartAsync(dataDirectory: data.Path);
        await PutAsync(server);

        Directory.EnumerateFiles(folder, "key-*.xml").ShouldNotBeEmpty();
        Directory.Exists(Path.Combine(data.Path, "keys")).ShouldBeFalse();
    }

    [Fact]
    public async Task Database_KeyStore_KeepsTheRingInTheStoreSoAnotherServerReadsTheSecret()
    {
        using var data = new TempDirectory();
        await WriteSettingsAsync(data.Path, new { DataProtection = new { KeyStore = "database" } });
        await using (var first = await RunningServer.StartAsync(dataDirectory: data.Path))
        {
            await PutAsync(first);
            (await first.Store.ListProtectionKeysAsync()).ShouldNotBeEmpty();
        }
        Directory.Exists(Path.Combine(data.Path, "keys")).ShouldBeFalse();

        // Another server on the same database and no key files of its own.
        await using var second = await RunningServer.StartAsync(dataDirectory: data.Path);
        (await second.App.Services.GetRequiredService<IOrgSecrets>().GetAsync("default", "model.openai.api-key")).ShouldBe(Value);
    }

    [Theory]
    [InlineData("{\"DataProtection\":{\"KeyStore\":\"redis\"}}", "DataProtection:KeyStore")]
    [InlineData("{\"DataProtection\":{\"KeysDirectory\":\"relative/keys\"}}", "DataProtection:KeysDirectory")]
    [InlineData("{\"DataProtection\":{\"KeyStore\":\"database\",\"KeysDirectory\":\"/srv/keys\"}}", "DataProtection:KeysDirectory")]
    public async Task Start_BadSetting_FailsNamingIt(string settings, string setting)
    {
        using var data = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"), settings);

        var error = await Should.ThrowAsync<Exception>(() => RunningServer.StartAsync(dataDirectory: data.Path));

        error.ToString().ShouldContain(setting);
    }
}
