using Nightshift.Cli.Api;
using Nightshift.Cli.Commands.Token;

namespace Nightshift.Cli.Tests.Commands.Teams;

/// <summary>What `nightshift token|user|audit` make of their command lines, before any server is asked.</summary>
public sealed class TeamsCommandLineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("30d", 30, null)]
    [InlineData("30", 30, null)]
    [InlineData("3650D", 3650, null)]
    [InlineData("2027-01-31", null, "2027-01-31T00:00:00Z")]
    [InlineData("2027-01-31T10:00:00+02:00", null, "2027-01-31T08:00:00Z")]
    [InlineData(null, null, null)]
    public void TokenExpiry_DaysOrDate_BecomeTheBodyFields(string? text, int? days, string? at)
    {
        TokenExpiry.Parse(text).ShouldBe((days, at));
    }

    [Theory]
    [InlineData("0d")]
    [InlineData("3651d")]
    [InlineData("99999999999d")]
    [InlineData("forever")]
    [InlineData("-5d")]
    [InlineData("30 days")]
    public void TokenExpiry_Unusable_IsAUsageError(string text)
    {
        Should.Throw<UsageException>(() => TokenExpiry.Parse(text)).Message.ShouldContain("--expires");
    }

    [Theory]
    [InlineData("24h", "2026-12-04T12:00:00Z")]
    [InlineData("7d", "2026-11-28T12:00:00Z")]
    [InlineData("30m", "2026-12-05T11:30:00Z")]
    [InlineData("2026-12-01", "2026-12-01")]
    public void AuditTime_SpanOrDate_IsSentAsATime(string text, string expected)
    {
        NightshiftApiClient.AuditTime(text, Now).ShouldBe(expected);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("5y")]
    [InlineData("0h")]
    [InlineData("999999999d")]
    public void AuditTime_Unusable_IsNull(string text)
    {
        NightshiftApiClient.AuditTime(text, Now).ShouldBeNull();
    }

    [Theory]
    [InlineData("token")]
    [InlineData("token", "create")]
    [InlineData("token", "create", "ci", "--expires", "never")]
    [InlineData("token", "revoke")]
    [InlineData("user")]
    [InlineData("user", "add", "Ada")]
    [InlineData("user", "add", "Ada", "--role", "owner")]
    [InlineData("user", "set", "usr_x")]
    [InlineData("user", "set", "usr_x", "--enable", "--disable")]
    [InlineData("user", "set", "usr_x", "--role", "root")]
    [InlineData("audit")]
    [InlineData("audit", "ls", "--since", "last week")]
    [InlineData("audit", "ls", "--limit", "0")]
    [InlineData("audit", "ls", "--limit", "1001")]
    [InlineData("audit", "export", "--until", "later")]
    public async Task Teams_UnusableCommandLine_ExitsUsage(params string[] args)
    {
        using var cli = new InProcessCli();

        var result = await cli.RunAsync([.. args, "--server", "http://127.0.0.1:9"]);

        result.ExitCode.ShouldBe(ExitCodes.Usage, result.ToString());
        result.Stderr.ShouldContain("error", Case.Insensitive);
    }
}
