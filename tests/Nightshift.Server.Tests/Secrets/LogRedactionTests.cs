using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Server.Secrets;
using Nightshift.Server.Telemetry;
using Nightshift.TestKit.Time;

namespace Nightshift.Server.Tests.Secrets;

/// <summary>The JSON log masks organisation secret values decrypted at run time, whatever their shape.</summary>
public sealed class LogRedactionTests
{
    // No recognisable key shape: only masking by value catches it.
    private const string OrgValue = "plain-org-value-7f3a9c1e";

    private static string Write(SecretValues values, string message, Exception? exception = null)
    {
        var formatter = new JsonLogFormatter([], new ManualClock(DateTimeOffset.UnixEpoch), values);
        using var output = new StringWriter();
        IReadOnlyList<KeyValuePair<string, object?>> state = [new("Detail", message), new("{OriginalFormat}", "{Detail}")];
        var entry = new LogEntry<IReadOnlyList<KeyValuePair<string, object?>>>(LogLevel.Warning, "Nightshift.Test", new EventId(1), state, exception, (_, _) => message);
        formatter.Write(in entry, null, output);
        return output.ToString();
    }

    [Fact]
    public void Write_DecryptedValueInMessageArgumentAndException_IsMasked()
    {
        var values = new SecretValues();
        values.Add(OrgValue);

        var line = Write(values, $"provider said: bad key {OrgValue}", new InvalidOperationException($"refused {OrgValue}"));

        line.ShouldNotContain(OrgValue);
        line.ShouldContain("[REDACTED]");
    }

    [Fact]
    public void Write_ValueLearnedAfterTheFormatterWasMade_IsMasked()
    {
        var values = new SecretValues();
        var before = Write(values, $"early {OrgValue}");

        values.Add(OrgValue);
        var after = Write(values, $"late {OrgValue}");

        before.ShouldContain(OrgValue);
        after.ShouldNotContain(OrgValue);
    }
}
