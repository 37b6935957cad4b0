namespace Nightshift.Models.Replay;

internal enum FileStatusKind
{
    Regular,
    Directory,
    SymbolicLink,

    /// <summary>A FIFO, socket or device: never read as a file.</summary>
    Special,
}
