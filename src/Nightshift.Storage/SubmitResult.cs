using Nightshift.Core.Tasks;

namespace Nightshift.Storage;

/// <param name="Created">false when an earlier task with the same idempotency key was returned.</param>
public sealed record SubmitResult(TaskRecord Task, bool Created);
