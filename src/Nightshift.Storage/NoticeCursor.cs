namespace Nightshift.Storage;

/// <summary>A task's notice cursor as claimed: the last event already reported and how many walks in a row failed.</summary>
public sealed record NoticeCursor(string TaskId, long LastSequence, int Failures);
