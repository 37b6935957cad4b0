namespace Nightshift.TestKit.Models;

/// <summary>
/// Token counts a scripted answer reports. <see cref="Input"/> counts all input tokens, cached ones included;
/// on the Anthropic wire it is split the way Anthropic reports it (input_tokens excludes cache reads).
/// </summary>
public sealed record ScriptedUsage(int Input, int Output, int Cached = 0)
{
    public static ScriptedUsage Default { get; } = new(12, 7);
}
