namespace Nightshift.Server.Outbound;

/// <summary>The lease owner of this process for outbox cursors and deliveries.</summary>
internal static class OutboundOwner
{
    public static string Create() =>
        $"{Environment.MachineName[..Math.Min(100, Environment.MachineName.Length)]}:{Environment.ProcessId}:{Guid.NewGuid():N}";
}
