using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nightshift.Core.Errors;
using Nightshift.Server.Hosting;

namespace Nightshift.Cli.Commands;

/// <summary>Building and starting the server or worker host, with start-up failures turned into messages for people.</summary>
internal static class ServerLifetime
{
    /// <summary>
    /// ASP.NET Core's own start-up lines repeat what `up` prints itself; a person watching the console only needs its warnings.
    /// </summary>
    public static Action<IServiceCollection> QuietFramework(bool verbose) => services =>
    {
        if (!verbose)
        {
            services.Configure<LoggerFilterOptions>(filter => filter.Rules.Add(new LoggerFilterRule(null, "Microsoft", LogLevel.Warning, null)));
        }
    };

    /// <exception cref="UsageException">a setting (--urls, --workers, --slots, token) is unusable.</exception>
    public static T Build<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ServerConfigurationException error)
        {
            throw new UsageException(error.Message);
        }
        catch (StoreConfigurationException error)
        {
            throw new StartFailedException(error.Message, error);
        }
        catch (Exception error) when (SettingsError.TryDescribe(error, out var message))
        {
            throw new StartFailedException(message, error);
        }
    }

    /// <exception cref="StartFailedException">a setting is unusable (named), the port is taken, the store cannot be opened, …</exception>
    public static async Task StartAsync(IHost host, CancellationToken cancellationToken)
    {
        try
        {
            // Every ValidateOnStart section at once, before any hosted service is created: the host's own check runs
            // after them, so a service reading a bad section first would name that one only (and log a stack trace).
            host.Services.GetService<IStartupValidator>()?.Validate();
            await host.StartAsync(cancellationToken);
        }
        catch (ServerConfigurationException error)
        {
            throw new UsageException(error.Message);
        }
        catch (StoreConfigurationException error)
        {
            throw new StartFailedException(error.Message, error);
        }
        catch (Exception error) when (SettingsError.TryDescribe(error, out var message))
        {
            throw new StartFailedException(message, error);
        }
        catch (IOException error)
        {
            // Kestrel reports a taken port as an IOException whose message names the address.
            throw new StartFailedException($"cannot listen: {error.Message}; choose another address with --urls (port 0 picks a free one)", error);
        }
    }
}
