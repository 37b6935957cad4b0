using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nightshift.Server.Workers;

/// <summary>
/// The worker's name that outlives its process: a short token derived from the machine's name and the data folder,
/// carried in every lease owner it claims as (<c>host@token:pid:slot</c>, so readers that take the pid second from the end still find it). A restarted worker on the same folder is the
/// same worker, so it tells the tasks it last held (and the worktrees its folder keeps for them) from other workers'.
/// </summary>
internal sealed class WorkerIdentity
{
    private const int MaxHostLength = 100;

    private WorkerIdentity(string token) => Token = token;

    /// <summary>12 hexadecimal digits, the same for every process on this machine and data folder.</summary>
    public string Token { get; }

    public static WorkerIdentity For(string dataDirectory)
    {
        var folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(string.IsNullOrEmpty(dataDirectory) ? "." : dataDirectory));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{Environment.MachineName}\n{folder}"));
        return new WorkerIdentity(Convert.ToHexStringLower(hash)[..12]);
    }

    /// <summary>The lease owner one slot of this process claims as.</summary>
    public string WorkerId(int slot)
    {
        var host = Environment.MachineName;
        return $"{host[..Math.Min(MaxHostLength, host.Length)]}@{Token}:{Environment.ProcessId}:{slot.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Whether <paramref name="workerId"/> (a lease owner, a <c>task.started</c> worker) is this worker, in this process or an earlier one.</summary>
    public bool Owns(string? workerId) => workerId is not null && workerId.Contains("@" + Token + ":", StringComparison.Ordinal);
}
