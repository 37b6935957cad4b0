namespace Nightshift.Storage;

/// <summary>The whole store: one implementation per dialect (SQLite, PostgreSQL), one compliance suite for both.</summary>
public interface INightshiftStore : ITaskStore, ITaskConversationStore, ITaskQueue, IEventLog, IUsageReports, IPullRequestStore, IWebhookDeliveryStore, ITaskNoticeStore, Outbound.IOutboundStore, Teams.ITeamStore, Teams.ISecretStore, Teams.IAuditStore, Commands.ICommandAuditStore, Pipelines.IPipelineStore, ITaskHolders, IAsyncDisposable
{
    /// <summary>"sqlite" or "postgresql".</summary>
    string Dialect { get; }

    /// <summary>Applies pending migrations; refuses a database whose schema is newer than this code.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>A round trip to the database; throws with a helpful message when it is unreachable.</summary>
    Task PingAsync(CancellationToken cancellationToken = default);
}
