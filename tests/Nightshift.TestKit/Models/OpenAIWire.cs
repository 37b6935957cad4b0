namespace Nightshift.TestKit.Models;

/// <summary>
/// The OpenAI Chat Completions wire format of <see cref="ScriptedReply"/> answers, for model servers of their own
/// (the fleet harness's) that answer by content rather than from a script: the same bodies and events
/// <see cref="ScriptedModelServer"/> sends.
/// </summary>
public static class OpenAIWire
{
    /// <summary>A whole <c>chat.completion</c> body (non-streaming request).</summary>
    public static string Completion(ScriptedAnswer answer, string model, int number) =>
        WireRendering.OpenAICompletion(answer, model, number);

    /// <summary>The server-sent events of a streamed answer, <c>data: [DONE]</c> last.</summary>
    public static IEnumerable<string> Stream(ScriptedAnswer answer, string model, int number, bool includeUsage) =>
        WireRendering.OpenAIStream(answer, model, number, includeUsage);

    /// <summary>An error body as the provider sends it with <paramref name="status"/>.</summary>
    public static string Error(string message, int status) => WireRendering.OpenAIError(message, status);
}
