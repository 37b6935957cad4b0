using System.Text.Json;
using Nightshift.Cli.Output;
using Spectre.Console;

namespace Nightshift.Cli.Tests.Output;

public sealed class CommandTableTests
{
    private static JsonElement Command(long seq, string phase, string command, int exitCode = 0, string? limit = null, long durationMs = 1_234, string network = "off", int allowed = 0, int denied = 0) =>
        JsonSerializer.SerializeToElement(new { seq, phase, command, exitCode, limit, durationMs, network, networkAllowed = allowed, networkDenied = denied });

    [Fact]
    public void Lines_LongAndHostileCommands_FitEightyColumnsAsOnePrintableLineEach()
    {
        var lines = CommandTable.Lines(
            [
                Command(1, "setup", "npm ci --no-audit --no-fund && npm run build -- --configuration production --verbose", network: "allowlist", allowed: 12, denied: 1, durationMs: 65_000),
                Command(2, "agent", "echo \u001b[2J\u001b]0;pwned\u0007 \u202eevil\r\nrm -rf / " + new string('x', 1024 * 1024), exitCode: 137, limit: "timeout"),
                Command(1234, "verify", "node --test", exitCode: 1, durationMs: 4_000_000),
            ],
            80);

        lines.Count.ShouldBe(4);
        lines.ShouldAllBe(l => l.GetCellWidth() <= 80);
        lines.ShouldAllBe(l => !l.Any(c => char.IsControl(c) || c == '\u202e'));
        lines[0].ShouldStartWith("#");
        lines[0].ShouldContain("COMMAND");
        lines[1].ShouldContain("allowlist +12/-1");
        lines[1].ShouldContain("1m05s");
        lines[1].ShouldEndWith("…");
        lines[2].ShouldContain("timeout");
        lines[2].ShouldContain("echo");
        lines[3].ShouldContain("1h06m");
        lines[3].ShouldContain("node --test");
    }

    [Fact]
    public void Lines_FieldsMissingOrOfTheWrongType_ShowPlaceholdersInsteadOfThrowing()
    {
        var odd = JsonSerializer.SerializeToElement(new { seq = "one", phase = 5, command = (string?)null, durationMs = -3 });

        var lines = CommandTable.Lines([odd], 80);

        lines.Count.ShouldBe(2);
        lines[1].ShouldContain("?");
        lines[1].ShouldContain("0.00s");
    }

    [Theory]
    [InlineData(420, "0.42s")]
    [InlineData(12_340, "12.3s")]
    [InlineData(245_000, "4m05s")]
    [InlineData(3_720_000, "1h02m")]
    public void Duration_AcrossScales_ReadsShort(long milliseconds, string expected) =>
        CommandTable.Duration(milliseconds).ShouldBe(expected);
}
