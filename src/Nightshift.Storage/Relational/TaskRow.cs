using Nightshift.Core.Tasks;

namespace Nightshift.Storage.Relational;

/// <summary>A task row with what people never see: the lease token, and the checkpoint when the query read it.</summary>
internal sealed record TaskRow(TaskRecord Record, string? LeaseToken, string? Checkpoint)
{
    public string Id => Record.Id;

    public TaskState Status => Record.Status;
}
