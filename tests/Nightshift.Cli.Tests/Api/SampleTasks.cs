using System.Text.Json;
using Nightshift.Core.Serialization;
using Nightshift.Core.Tasks;

namespace Nightshift.Cli.Tests.Api;

internal static class SampleTasks
{
    public static TaskRecord Task(string id, TaskState status = TaskState.Queued) => new()
    {
        Id = id,
        Repo = "https://github.com/o/r",
        Instruction = "make it better",
        Title = "make it better",
        Status = status,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
        RunAfter = DateTimeOffset.UtcNow,
    };

    public static string Json(TaskRecord task) => JsonSerializer.Serialize(task, NightshiftJson.Options);

    public static string Page(params TaskRecord[] tasks) =>
        "{\"items\":[" + string.Join(',', tasks.Select(Json)) + "],\"nextCursor\":null}";
}
