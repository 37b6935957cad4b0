namespace Nightshift.Sandbox.Network.Interception;

/// <summary>How reading a message head ended.</summary>
internal enum HeadRead
{
    Complete,
    End,
    TooLarge,
    Truncated,
}
