using Nightshift.Cli.Api;

namespace Nightshift.Cli.Commands.Audit;

internal static class AuditTimeOption
{
    /// <exception cref="UsageException">neither a date/time nor a span such as 24h.</exception>
    public static string? Read(string option, string? text, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        return NightshiftApiClient.AuditTime(text, time.GetUtcNow())
            ?? throw new UsageException($"{option} '{Core.Text.SafeText.Clean(text, 40)}' is not a date or time (2026-12-01, 2026-12-01T08:00:00Z) or a span back from now (30m, 24h, 7d)");
    }
}
