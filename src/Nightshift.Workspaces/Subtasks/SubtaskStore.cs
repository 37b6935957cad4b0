using System.Text.Json;

namespace Nightshift.Workspaces.Subtasks;

/// <summary>
/// Subtask records and the pending-merge journal of each task, in <c>subtasks/&lt;task-id&gt;/</c> under the data
/// folder; written to a temporary file and moved into place, so a crash never leaves half a file.
/// </summary>
internal sealed class SubtaskStore(string dataDirectory)
{
    private const string MergeFile = "merge.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Root { get; } = Path.Combine(dataDirectory, "subtasks");

    public string TaskFolder(string taskId) => Path.Combine(Root, taskId);

    public SubtaskRecord? Read(string taskId, string subtaskId) => ReadJson<SubtaskRecord>(Path.Combine(TaskFolder(taskId), subtaskId + ".json"));

    public IReadOnlyList<SubtaskRecord> ReadAll(string taskId)
    {
        var folder = TaskFolder(taskId);
        if (!Directory.Exists(folder))
        {
            return [];
        }
        return [.. Directory.EnumerateFiles(folder, "*.json")
            .Where(f => Path.GetFileName(f) != MergeFile)
            .Select(ReadJson<SubtaskRecord>)
            .OfType<SubtaskRecord>()
            .Where(r => r.TaskId == taskId)];
    }

    public void Write(SubtaskRecord record) => WriteJson(Path.Combine(TaskFolder(record.TaskId), record.SubtaskId + ".json"), record);

    public void Delete(string taskId, string subtaskId) => File.Delete(Path.Combine(TaskFolder(taskId), subtaskId + ".json"));

    public PendingMerge? ReadMerge(string taskId) => ReadJson<PendingMerge>(Path.Combine(TaskFolder(taskId), MergeFile));

    public void WriteMerge(string taskId, PendingMerge merge) => WriteJson(Path.Combine(TaskFolder(taskId), MergeFile), merge);

    public void DeleteMerge(string taskId) => File.Delete(Path.Combine(TaskFolder(taskId), MergeFile));

    private static T? ReadJson<T>(string path)
        where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void WriteJson<T>(string path, T value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(temp, JsonSerializer.Serialize(value, Json));
        File.Move(temp, path, overwrite: true);
    }
}
