using Nightshift.Core.Tasks;

namespace Nightshift.Storage.Relational;

/// <summary>A task row with the columns people never see (lease token, sequence counter).</summary>
internal sealed record TaskRow(TaskRecord Record, string? LeaseToken, long? LeaseMs, long LastSeq, string? Checkpoint)
{
    public string Id => Record.Id;

    public TaskState Status => Record.Status;
}
