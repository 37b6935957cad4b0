using Microsoft.Extensions.AI;

namespace Nightshift.Models.Recording;

/// <summary>
/// One line of a cassette (JSONL): the conversation sent on call <see cref="Call"/> and what came back.
/// <see cref="Error"/> is set instead of <see cref="Response"/> when the call failed.
/// </summary>
public sealed record CassetteEntry
{
    public int Call { get; init; }

    /// <summary>The <c>provider/model</c> the call was made to.</summary>
    public required string Model { get; init; }

    public DateTimeOffset RecordedAt { get; init; }

    public bool Streaming { get; init; }

    public string? Instructions { get; init; }

    /// <summary>Names of the tools offered (their schemas are the agent's business, not the recording's).</summary>
    public IList<string> Tools { get; init; } = [];

    public IList<ChatMessage> Messages { get; init; } = [];

    public ChatResponse? Response { get; init; }

    public string? Error { get; init; }
}
