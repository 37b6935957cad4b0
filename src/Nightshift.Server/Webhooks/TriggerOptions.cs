namespace Nightshift.Server.Webhooks;

/// <summary>Configuration section <c>Webhooks</c>: what every forge's triggers share (each forge's own settings sit under it).</summary>
internal sealed class TriggerOptions
{
    public const string Section = "Webhooks";

    public const string DefaultCommandWord = "nightshift";

    /// <summary>The word after the slash that makes a comment a command: <c>/nightshift fix the typo</c>.</summary>
    public string CommandWord { get; set; } = DefaultCommandWord;

    /// <summary>Automatic fix rounds for failed checks per pull request; past them a reply says so and nothing runs.</summary>
    public int MaxFixRounds { get; set; } = 2;

    /// <summary>How long a forge's answer about a person's permission is trusted before it is asked again.</summary>
    public int PermissionCacheSeconds { get; set; } = 60;
}
