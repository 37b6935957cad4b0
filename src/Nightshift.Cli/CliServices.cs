using Microsoft.Extensions.DependencyInjection;
using Nightshift.Cli.Commands;
using Nightshift.Cli.Connection;
using Nightshift.Cli.Doctor;

namespace Nightshift.Cli;

/// <summary>The command line's services: one container per run, so tests can run it in-process with their own console.</summary>
internal static class CliServices
{
    public static ServiceProvider Build(CliEnvironment environment, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(environment);
        services.AddSingleton(environment.Time);
        services.AddSingleton(_ => new HttpClient { Timeout = Timeout.InfiniteTimeSpan });
        services.AddSingleton<GlobalOptions>();
        services.AddSingleton<ConnectionResolver>();
        services.AddSingleton<CommandContextFactory>();
        services.AddSingleton<ProcessRunner>();
        services.AddSingleton<DoctorChecks>();

        services.AddSingleton<NightshiftCommand, UpCommand>();
        services.AddSingleton<NightshiftCommand, WorkerCommand>();
        services.AddSingleton<NightshiftCommand, SubmitCommand>();
        services.AddSingleton<NightshiftCommand, LsCommand>();
        services.AddSingleton<NightshiftCommand, ShowCommand>();
        services.AddSingleton<NightshiftCommand, LogsCommand>();
        services.AddSingleton<NightshiftCommand, CommandsCommand>();
        services.AddSingleton<NightshiftCommand, CancelCommand>();
        services.AddSingleton<NightshiftCommand, RetryCommand>();
        services.AddSingleton<NightshiftCommand, SayCommand>();
        services.AddSingleton<NightshiftCommand, ApproveCommand>();
        services.AddSingleton<NightshiftCommand, RejectCommand>();
        services.AddSingleton<NightshiftCommand, DoctorCommand>();
        services.AddSingleton<NightshiftCommand, RunCommand>();
        services.AddSingleton<NightshiftCommand, DemoCommand>();
        services.AddSingleton<NightshiftCommand, Commands.Webhooks.WebhooksCommand>();
        services.AddSingleton<NightshiftCommand, Commands.Whoami.WhoamiCommand>();
        services.AddSingleton<NightshiftCommand, Commands.Token.TokenCommand>();
        services.AddSingleton<NightshiftCommand, Commands.User.UserCommand>();
        services.AddSingleton<NightshiftCommand, Commands.Audit.AuditCommand>();
        services.AddSingleton<NightshiftCommand, Commands.Org.OrgCommand>();
        services.AddSingleton<NightshiftCommand, Commands.Secret.SecretCommand>();
        services.AddSingleton<NightshiftCommand, Commands.Cache.CacheCommand>();
        services.AddSingleton<NightshiftCommand, Commands.Pipeline.PipelineCommand>();
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }
}
