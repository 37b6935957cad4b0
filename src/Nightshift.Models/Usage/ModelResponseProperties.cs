namespace Nightshift.Models.Usage;

/// <summary>Keys Nightshift's clients put into ChatResponse(Update).AdditionalProperties.</summary>
public static class ModelResponseProperties
{
    /// <summary>The <c>provider/model</c> that actually answered (after a fallback, or the recorded model in a replay).</summary>
    public const string Model = "nightshift.model";
}
