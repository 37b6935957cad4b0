namespace Nightshift.Core.Events.Payloads;

/// <summary>Emitted by the store when the executor stores the state a later attempt resumes from.</summary>
/// <param name="Bytes">the checkpoint's size in UTF-8 bytes (the checkpoint itself is not in the event).</param>
public sealed record TaskCheckpointPayload(
    int Bytes);
