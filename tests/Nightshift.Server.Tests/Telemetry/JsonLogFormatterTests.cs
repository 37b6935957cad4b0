using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Nightshift.Server.Telemetry;
using Nightshift.Server.Tests.Support;
using Nightshift.TestKit.Time;

namespace Nightshift.Server.Tests.Telemetry;

public sealed class JsonLogFormatterTests
{
    private const string KnownSecret = "fake-forge-token-0123456789";
    private const string ShapedSecret = "sk-ant-fakefakefake0123456789";

    [Fact]
    public void Write_SecretsInArgumentsAndMessage_AreRedactedOnOneValidJsonLine()
    {
        var line = Write(LogLevel.Warning, new EventId(3481, "Pushed"), "Pushed with {Token} and {Key} for {Count} files",
            ("Token", KnownSecret), ("Key", ShapedSecret), ("Count", 3));

        line.ShouldEndWith("\n");
        line.TrimEnd('\n').ShouldNotContain("\n");
        line.ShouldNotContain(KnownSecret);
        line.ShouldNotContain("fakefakefake");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        root.GetProperty("level").GetString().ShouldBe("Warning");
        root.GetProperty("category").GetString().ShouldBe("Nightshift.Test");
        root.GetProperty("eventId").GetInt32().ShouldBe(3481);
        root.GetProperty("eventName").GetString().ShouldBe("Pushed");
        root.GetProperty("time").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        root.GetProperty("message").GetString().ShouldBe("Pushed with [REDACTED] and [REDACTED] for 3 files");
        root.GetProperty("template").GetString().ShouldBe("Pushed with {Token} and {Key} for {Count} files");
        root.GetProperty("state").GetProperty("Token").GetString().ShouldBe("[REDACTED]");
        root.GetProperty("state").GetProperty("Count").GetInt64().ShouldBe(3);
    }

    [Fact]
    public void Write_MultiLineMessageWithAnExceptionQuotingASecret_IsOneLineWithoutTheSecret()
    {
        var exception = new InvalidOperationException($"the forge said:\nbad credentials {KnownSecret}\r\n\"quoted\"");

        var line = Write(LogLevel.Error, new EventId(1), "first\nsecond \u0001 \"third\"", exception: exception);

        line.Count(c => c == '\n').ShouldBe(1);
        line.ShouldNotContain(KnownSecret);
        using var json = JsonDocument.Parse(line);
        json.RootElement.GetProperty("message").GetString().ShouldBe("first\nsecond \u0001 \"third\"");
        json.RootElement.GetProperty("exception").GetString()!.ShouldContain("bad credentials [REDACTED]");
    }

    [Fact]
    public void Write_HostileValues_StayValidJsonAndBounded()
    {
        var huge = new string('x', 200_000);

        var line = Write(LogLevel.Information, new EventId(2), "{A} {B} {C} {D}",
            ("A", double.NaN), ("B", huge), ("C\"}{\u0000", null), ("D", new Uri("https://user:hunter2hunter2@example.test/?access_token=abcdefgh12345")));

        line.Length.ShouldBeLessThan(3 * JsonLogFormatter.MaxValueChars + 2_000);
        using var json = JsonDocument.Parse(line);
        var state = json.RootElement.GetProperty("state");
        state.GetProperty("A").GetString().ShouldBe("NaN");
        state.GetProperty("C\"}{\u0000").ValueKind.ShouldBe(JsonValueKind.Null);
        state.GetProperty("D").GetString()!.ShouldNotContain("abcdefgh12345");
    }

    [Fact]
    public void Write_ScopeCarryingASecret_WritesTheScopeRedacted()
    {
        var scopes = new LoggerExternalScopeProvider();
        using var scope = scopes.Push(new Dictionary<string, object?> { ["TaskId"] = "t_1", ["Auth"] = $"Bearer {KnownSecret}" });

        var line = Write(LogLevel.Information, new EventId(3), "inside", scopes: scopes);

        line.ShouldNotContain(KnownSecret);
        using var json = JsonDocument.Parse(line);
        var written = json.RootElement.GetProperty("scopes")[0];
        written.GetProperty("TaskId").GetString().ShouldBe("t_1");
        written.GetProperty("Auth").GetString().ShouldBe("Bearer [REDACTED]");
    }

    [Fact]
    public void Write_NoMessageAndNoException_WritesNothing()
    {
        var formatter = new JsonLogFormatter([], new ManualClock(DateTimeOffset.UnixEpoch));
        using var output = new StringWriter();
        var entry = new LogEntry<string>(LogLevel.Information, "Nightshift.Test", new EventId(4), "state", null, (_, _) => null!);

        formatter.Write(in entry, null, output);

        output.ToString().ShouldBeEmpty();
    }

    [Fact]
    public void LogSecrets_From_TakesCredentialNamedSettingsOnly()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:Token"] = "fake-api-token-value",
            ["Forges:github:Token"] = "fake-github-token",
            ["Webhooks:GitHub:Secret"] = "fake-webhook-secret",
            ["Notifications:Email:Password"] = "fake-smtp-password",
            ["ANTHROPIC_API_KEY"] = "fake-anthropic-key",
            ["Agent:Budget:MaxSteps"] = "123456789",
            ["Auth:Token2"] = "short",
        }).Build();

        var secrets = LogSecrets.From(configuration);

        secrets.ShouldContain("fake-api-token-value");
        secrets.ShouldContain("fake-github-token");
        secrets.ShouldContain("fake-webhook-secret");
        secrets.ShouldContain("fake-smtp-password");
        secrets.ShouldContain("fake-anthropic-key");
        secrets.ShouldNotContain("123456789");
        secrets.ShouldNotContain("short");
    }

    [Fact]
    public async Task BuildServer_LogFormatJson_UsesTheJsonFormatterOnTheConsole()
    {
        using var data = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"), """{"Telemetry":{"LogFormat":"JSON"}}""");
        await using var server = await RunningServer.StartAsync(dataDirectory: data.Path);

        server.App.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName.ShouldBe(JsonLogFormatter.FormatterName);
        server.App.Services.GetServices<ConsoleFormatter>().ShouldContain(f => f is JsonLogFormatter);
    }

    [Theory]
    [InlineData("""{"Telemetry":{"LogFormat":"xml"}}""", "Telemetry:LogFormat")]
    [InlineData("""{"Telemetry":{"LogFormat":""}}""", "Telemetry:LogFormat")]
    [InlineData("""{"Telemetry":{"QueueDepthInterval":"00:00:00"}}""", "Telemetry:QueueDepthInterval")]
    public async Task BuildServer_BadTelemetrySetting_RefusesToStartNamingIt(string settings, string setting)
    {
        using var data = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(data.Path, "appsettings.json"), settings);

        var error = await Should.ThrowAsync<Exception>(() => RunningServer.StartAsync(dataDirectory: data.Path));

        error.Message.ShouldContain(setting);
    }

    private static string Write(LogLevel level, EventId eventId, string template, params (string Key, object? Value)[] values) =>
        Write(level, eventId, template, null, null, values);

    private static string Write(LogLevel level, EventId eventId, string template, Exception? exception = null, IExternalScopeProvider? scopes = null, params (string Key, object? Value)[] values)
    {
        var formatter = new JsonLogFormatter([KnownSecret], new ManualClock(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        IReadOnlyList<KeyValuePair<string, object?>> state = [.. values.Select(v => new KeyValuePair<string, object?>(v.Key, v.Value)), new("{OriginalFormat}", template)];
        var message = values.Aggregate(template, (text, v) => text.Replace("{" + v.Key + "}", Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var entry = new LogEntry<IReadOnlyList<KeyValuePair<string, object?>>>(level, "Nightshift.Test", eventId, state, exception, (_, _) => message);
        using var output = new StringWriter();
        formatter.Write(in entry, scopes, output);
        return output.ToString();
    }
}
