using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightshift.Server.Hosting;

namespace Nightshift.Server.Workers;

/// <summary>Registers the worker with its settings (<c>Worker</c> and <c>Queue</c> sections), checked at start.</summary>
internal static class WorkerRegistration
{
    public static void Add(IServiceCollection services, NightshiftServerOptions server)
    {
        services.AddOptions<WorkerSettings>().BindConfiguration(WorkerSettings.SectionName).ValidateOnStart();
        services.AddOptions<QueueSettings>().BindConfiguration(QueueSettings.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerSettings>, WorkerSettingsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QueueSettings>, WorkerSettingsValidator>());
        services.AddSingleton(sp => WorkerOptions.From(
            server,
            sp.GetRequiredService<IOptions<WorkerSettings>>().Value,
            sp.GetRequiredService<IOptions<QueueSettings>>().Value));
        // The worker ends every attempt at Worker:TaskDeadline, so a repository's task.timeout past it is capped (with
        // the limits.capped event) rather than silently outlived by the deadline.
        services.AddOptions<Sandbox.SandboxOptions>().PostConfigure<IOptions<WorkerSettings>>((sandbox, worker) =>
        {
            var deadline = worker.Value.TaskDeadline;
            if (sandbox.MaxLimits is { } max && (max.TaskTimeout is not { } timeout || timeout > deadline))
            {
                max.TaskTimeout = deadline;
            }
        });
        services.AddSingleton(WorkerIdentity.For(server.DataDirectory));
        // The workspace collector asks the store which kept worktrees are still this worker's (WorkspaceCollector).
        services.AddSingleton<Workspaces.IKeptWorktreeOwner>(sp => new WorkerWorktreeOwner(sp.GetRequiredService<Storage.INightshiftStore>(), sp.GetRequiredService<WorkerIdentity>()));
        services.AddHostedService<WorkerService>();
    }
}
