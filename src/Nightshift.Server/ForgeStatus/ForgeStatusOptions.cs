namespace Nightshift.Server.ForgeStatus;

/// <summary>
/// Configuration section <c>Webhooks:Status</c>: the comments and reactions that tell an issue or pull request what
/// became of the task it asked for.
/// </summary>
internal sealed class ForgeStatusOptions
{
    public const string Section = "Webhooks:Status";

    /// <summary>Whether the server tells forges about their tasks at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the server looks for tasks with something new to tell.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed attempts after which one notice is given up (the next ones are still tried).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The address of this server people reach from the forge (the task page's link); unset: the listening address.</summary>
    public string? PublicUrl { get; set; }
}
