namespace Nightshift.Server.Streaming;

/// <summary>What a client asks for in one message.</summary>
internal enum StreamOp
{
    Subscribe,
    Unsubscribe,
    Ping,
}
