namespace Nightshift.Server.Webhooks.Reconciliation;

/// <summary><c>Webhooks:&lt;Forge&gt;:Repositories</c>: clone addresses reconciliation always looks in, even before their first delivery since a start.</summary>
internal sealed class ReconcileRepositories
{
    public List<string> Repositories { get; set; } = [];
}
