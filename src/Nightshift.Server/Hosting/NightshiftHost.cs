using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nightshift.Agent;
using Nightshift.Sandbox;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Repositories;
using Nightshift.Core.Execution;
using Nightshift.Server.Api;
using Nightshift.Server.Auth;
using Nightshift.Server.Dashboard;
using Nightshift.Server.Events;
using Nightshift.Server.ForgeStatus;
using Nightshift.Server.Metrics;
using Nightshift.Server.Orgs;
using Nightshift.Server.Oidc;
using Nightshift.Server.Outbound;
using Nightshift.Server.Outbound.Api;
using Nightshift.Server.Outbound.Notifications;
using Nightshift.Server.Pipelines;
using Nightshift.Server.Pipelines.Api;
using Nightshift.Server.Problems;
using Nightshift.Server.RateLimiting;
using Nightshift.Server.Secrets;
using Nightshift.Server.Telemetry;
using Nightshift.Server.Repositories;
using Nightshift.Server.Streaming;
using Nightshift.Server.Teams;
using Nightshift.Server.Webhooks;
using Nightshift.Server.Workers;

namespace Nightshift.Server.Hosting;

/// <summary>
/// The entry points the CLI (<c>nightshift up</c>, <c>nightshift worker</c>) and tests start Nightshift with.
/// <c>configureServices</c> runs after the defaults are registered and before the fallbacks, so it can replace
/// <see cref="ITaskExecutor"/>, <see cref="IRepositoryGate"/> or <see cref="TimeProvider"/>.
/// </summary>
public static class NightshiftHost
{
    /// <summary>Environment variables with this prefix are configuration: <c>NIGHTSHIFT__Auth__Token</c> is <c>Auth:Token</c>.</summary>
    public const string EnvironmentPrefix = "NIGHTSHIFT__";

    /// <summary>The API (and, with <see cref="NightshiftServerOptions.RunWorker"/>, a worker) on the configured store.</summary>
    /// <exception cref="ServerConfigurationException">a setting makes starting unsafe or impossible; the message names it.</exception>
    public static WebApplication BuildServer(NightshiftServerOptions options, Action<IServiceCollection>? configureServices = null)
    {
        Validate(options, requireWorker: false);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        AddConfiguration(builder.Configuration, options);

        var token = options.Token ?? builder.Configuration["Auth:Token"];
        BindingPolicy.EnsureSafe(options.Urls, tokenConfigured: !string.IsNullOrWhiteSpace(token));
        var tokens = ApiTokenAuthority.Initialize(options.DataDirectory, token, options.WriteConsoleMessages ? Console.Out : null);

        builder.WebHost.UseUrls([.. options.Urls]);

        var services = builder.Services;
        services.AddOptions<ApiLimits>().BindConfiguration(ApiLimits.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ApiLimits>, ApiLimitsValidator>());
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ApiLimits>>((kestrel, limits) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBodyBytes;
        });
        services.AddSingleton(tokens);
        services.AddSingleton<TaskService>();
        services.AddSingleton<TaskEventHub>();
        services.AddSingleton<ServerInfoPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<ServerInfoPublisher>());
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDefaults.Customize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        services.AddOptions<SseOptions>().BindConfiguration(SseOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SseOptions>, SseOptionsValidator>());
        services.AddNightshiftRateLimiting();
        services.AddNightshiftWebhooks();
        services.AddNightshiftForgeStatus();
        services.AddOutbound(builder.Configuration);
        services.AddNightshiftOutboundApi();
        services.AddNightshiftNotifications();
        services.AddNightshiftStream();
        services.AddNightshiftOrgs();
        services.AddNightshiftPipelinesApi();
        services.AddOpenApi();
        services.AddNightshiftDashboard();
        services.AddNightshiftAuth();
        services.AddNightshiftTeams();
        services.AddNightshiftOidc(builder.Configuration);
        services.AddNightshiftPipelines();
        AddCommon(services, options, options.RunWorker, configureServices);
        TelemetryRegistration.Add(builder);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseNightshiftDashboardAssets();
        // Around authentication, so refusals are recorded too.
        app.UseNightshiftAudit();
        // The provider's callback is answered here, before the gate that wants a caller.
        app.UseNightshiftOidc();
        app.UseNightshiftAuth();
        app.MapOpenApi().PublicRoute();
        app.MapMeApi();
        app.MapHealthApi();
        app.MapTasksApi();
        app.MapTaskCommandsApi();
        app.MapEventsApi();
        app.MapNightshiftStream();
        app.MapUsageApi();
        app.MapWebhooksApi();
        app.MapOutboundWebhooksApi();
        app.MapTeamsApi();
        app.MapOrgsApi();
        app.MapOrgSecretsApi();
        app.MapPipelinesApi();
        app.MapRazorPages();
        return app;
    }

    /// <summary>A worker without HTTP, for scale-out (<c>nightshift worker</c>).</summary>
    /// <exception cref="ServerConfigurationException">a setting makes starting impossible; the message names it.</exception>
    public static IHost BuildWorker(NightshiftServerOptions options, Action<IServiceCollection>? configureServices = null)
    {
        Validate(options, requireWorker: true);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        AddConfiguration(builder.Configuration, options);
        // A worker host always runs the worker, whatever RunWorker says.
        AddCommon(builder.Services, options, runWorker: true, configureServices);
        TelemetryRegistration.Add(builder);
        return builder.Build();
    }

    private static void AddCommon(IServiceCollection services, NightshiftServerOptions options, bool runWorker, Action<IServiceCollection>? configureServices)
    {
        services.AddSingleton(options);
        services.AddSingleton<ServerMetrics>();
        services.AddHostedService<SecondSignalExit>();
        StoreRegistration.Add(services, options);
        services.AddNightshiftOrgBudgets();
        services.AddNightshiftSecrets(options);
        if (runWorker && options.WorkerSlots > 0)
        {
            WorkerRegistration.Add(services, options);
        }
        services.Configure<HostOptions>(host =>
        {
            // Room past the executors' bound for the worker to write the releases.
            host.ShutdownTimeout = options.ShutdownTimeout + WorkerOptions.FinishTimeout;
            host.ServicesStopConcurrently = true;
        });

        configureServices?.Invoke(services);

        services.TryAddSingleton(TimeProvider.System);
        // The agent, unless configureServices registered another executor; its worktrees, mirrors and pull requests
        // live in the server's data folder.
        services.AddNightshiftAgent();
        services.PostConfigure<WorkspaceOptions>(workspaces => workspaces.DataDirectory ??= options.DataDirectory);
        services.PostConfigure<SandboxOptions>(sandbox =>
        {
            sandbox.StateDirectory ??= Path.Combine(options.DataDirectory, "sandbox");
            (sandbox.Egress ??= new()).CaFolder ??= Path.Combine(options.DataDirectory, "egress-ca");
        });
        if (options.AllowedRepositoryRoots.Count > 0)
        {
            services.PostConfigure<RepositoryOptions>(repositories =>
            {
                foreach (var root in options.AllowedRepositoryRoots)
                {
                    repositories.AllowedRoots.Add(root);
                }
            });
        }
        services.TryAddSingleton<IRepositoryGate, PolicyRepositoryGate>();
    }

    private static void AddConfiguration(IConfigurationManager configuration, NightshiftServerOptions options)
    {
        configuration.AddJsonFile(Path.Combine(options.DataDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
    }

    /// <summary>Request bodies are read strictly (a number in quotes is a type error); responses match Core's NightshiftJson.</summary>
    internal static void ConfigureJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.PropertyNameCaseInsensitive = true;
        json.NumberHandling = JsonNumberHandling.Strict;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        json.MaxDepth = 64;
    }

    private static void Validate(NightshiftServerOptions options, bool requireWorker)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            throw new ServerConfigurationException("no data folder is set: pass --data DIR or set NIGHTSHIFT_DATA");
        }
        options.DataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(options.DataDirectory);
        if (options.Urls is null || options.Urls.Count == 0)
        {
            throw new ServerConfigurationException($"no address to listen on: pass --urls, for example {NightshiftServerOptions.DefaultUrl}");
        }
        if (options.WorkerSlots is < 0 or > 256 || (requireWorker && options.WorkerSlots == 0))
        {
            throw new ServerConfigurationException($"worker slots is {options.WorkerSlots}; use a number from 1 to 256 (--workers / --slots)");
        }
        if (options.LeaseDuration < TimeSpan.FromSeconds(1))
        {
            throw new ServerConfigurationException($"the lease duration is {options.LeaseDuration.TotalSeconds} s; it must be at least 1 s");
        }
        if (options.ShutdownTimeout < TimeSpan.Zero || options.PollInterval <= TimeSpan.Zero || options.ReclaimInterval <= TimeSpan.Zero)
        {
            throw new ServerConfigurationException("the shutdown timeout must not be negative, and the poll and reclaim intervals must be positive");
        }
    }
}
