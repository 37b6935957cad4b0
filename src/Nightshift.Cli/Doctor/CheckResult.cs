namespace Nightshift.Cli.Doctor;

/// <summary>One line of the doctor's report: what was checked, how it went, and what to do about it.</summary>
internal sealed record CheckResult(string Name, CheckStatus Status, string Detail, string? Fix = null)
{
    public static CheckResult Ok(string name, string detail) => new(name, CheckStatus.Ok, detail);

    public static CheckResult Warn(string name, string detail, string fix) => new(name, CheckStatus.Warn, detail, fix);

    public static CheckResult Fail(string name, string detail, string fix) => new(name, CheckStatus.Fail, detail, fix);
}
