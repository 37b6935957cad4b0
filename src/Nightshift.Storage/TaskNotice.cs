namespace Nightshift.Storage;

/// <summary>One notice to a forge: its key within the task (for example <c>ended:42</c>), where it stands, and the forge's id for it once posted.</summary>
public sealed record TaskNotice
{
    public const int MaxKeyLength = 200;

    public const int MaxReferenceLength = 500;

    public required string TaskId { get; init; }

    public required string Key { get; init; }

    public required NoticeState State { get; init; }

    /// <summary>Attempts that failed.</summary>
    public int Attempts { get; init; }

    /// <summary>The forge's id or address of what was posted, when it gave one.</summary>
    public string? Reference { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
