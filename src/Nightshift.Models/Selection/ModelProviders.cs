namespace Nightshift.Models.Selection;

/// <summary>The provider names accepted before the slash of a model string.</summary>
public static class ModelProviders
{
    public const string Anthropic = "anthropic";
    public const string OpenAI = "openai";
    public const string Gemini = "gemini";
    public const string Ollama = "ollama";
    public const string OpenAICompatible = "openai-compatible";
    public const string Replay = "replay";

    public static IReadOnlyList<string> All { get; } = [Anthropic, OpenAI, Gemini, Ollama, OpenAICompatible, Replay];
}
