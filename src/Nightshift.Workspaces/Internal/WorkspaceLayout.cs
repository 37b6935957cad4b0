using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nightshift.Workspaces.Internal;

/// <summary>The folders under the data folder: mirrors, worktrees, workspace records, parked and spare worktrees and git's private home.</summary>
internal sealed class WorkspaceLayout(string dataDirectory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public string Data { get; } = dataDirectory;

    public string Mirrors { get; } = Path.Combine(dataDirectory, "mirrors");

    public string Worktrees { get; } = Path.Combine(dataDirectory, "worktrees");

    public string Records { get; } = Path.Combine(dataDirectory, "workspaces");

    public string GitRoot { get; } = Path.Combine(dataDirectory, "git");

    /// <summary>Released worktrees waiting for reuse, one folder per mirror key.</summary>
    public string Parked { get; } = Path.Combine(dataDirectory, "parked");

    public string ParkedFor(string key) => Path.Combine(Parked, key);

    /// <summary>
    /// Worktrees checked out ahead of need, one folder per mirror key holding <c>&lt;name&gt;</c> folders and their
    /// <c>&lt;name&gt;.ready</c> markers (renamed to <c>&lt;name&gt;.taken</c> by the task that takes one).
    /// </summary>
    public string Spares { get; } = Path.Combine(dataDirectory, "spares");

    public string SparesFor(string key) => Path.Combine(Spares, key);

    public string Spare(string key, string name) => Path.Combine(Spares, key, name);

    public string SpareReady(string key, string name) => Path.Combine(Spares, key, name + ".ready");

    public string SpareTaken(string key, string name) => Path.Combine(Spares, key, name + ".taken");

    public string Mirror(string key) => Path.Combine(Mirrors, key + ".git");

    public string MirrorLock(string key) => Path.Combine(Mirrors, key + ".lock");

    public string MirrorUsed(string key) => Path.Combine(Mirrors, key + ".used");

    public string Worktree(string taskId) => Path.Combine(Worktrees, taskId);

    public string Record(string taskId) => Path.Combine(Records, taskId + ".json");

    /// <summary>Package caches written by one task's jails; removed with its worktree, never shared with another task.</summary>
    public string TaskCaches { get; } = Path.Combine(dataDirectory, "task-cache");

    public string TaskCache(string taskId) => Path.Combine(TaskCaches, taskId);

    public void EnsureCreated()
    {
        Directory.CreateDirectory(Mirrors);
        Directory.CreateDirectory(Worktrees);
        Directory.CreateDirectory(Records);
    }

    public WorkspaceRecord? ReadRecord(string taskId)
    {
        var path = Record(taskId);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<WorkspaceRecord>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public IEnumerable<WorkspaceRecord> ReadAllRecords()
    {
        if (!Directory.Exists(Records))
        {
            yield break;
        }
        foreach (var file in Directory.EnumerateFiles(Records, "*.json"))
        {
            var record = ReadRecord(Path.GetFileNameWithoutExtension(file));
            if (record is not null)
            {
                yield return record;
            }
        }
    }

    public void WriteRecord(WorkspaceRecord record)
    {
        Directory.CreateDirectory(Records);
        var path = Record(record.TaskId);
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(temp, JsonSerializer.Serialize(record, Json));
        File.Move(temp, path, overwrite: true);
    }

    public void DeleteRecord(string taskId) => File.Delete(Record(taskId));
}
