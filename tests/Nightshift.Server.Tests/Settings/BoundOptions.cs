using System.Collections;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nightshift.Server.Hosting;
using Nightshift.Server.Tests.Support;

namespace Nightshift.Server.Tests.Settings;

/// <summary>
/// The options classes the real server and worker hosts bind from configuration, found by what every binding call
/// (<c>BindConfiguration</c>, <c>Bind(IConfiguration)</c>) registers: an <see cref="IOptionsChangeTokenSource{TOptions}"/>.
/// A new options class is found the moment a host binds it; nothing here lists them by hand.
/// </summary>
internal static class BoundOptions
{
    private static readonly Lazy<IReadOnlyList<IServiceCollection>> HostServices = new(CollectHostServices);

    /// <summary>Every service collection the hosts are built from (the API server with a worker, the worker alone).</summary>
    public static IReadOnlyList<IServiceCollection> Collections => HostServices.Value;

    public static IReadOnlyList<Type> Types() =>
    [
        .. Collections.SelectMany(services => services)
            .Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(t => t.GetGenericArguments()[0])
            // The framework's own (Logging:*, host filtering, metrics) are the framework's to document.
            .Where(t => t.Namespace?.StartsWith("Nightshift.", StringComparison.Ordinal) == true)
            .Distinct()
            .OrderBy(t => t.Name, StringComparer.Ordinal),
    ];

    /// <summary>Whether <paramref name="services"/> binds <paramref name="type"/> from configuration.</summary>
    public static bool Binds(IServiceCollection services, Type type) =>
        services.Any(d => d.ServiceType == typeof(IOptionsChangeTokenSource<>).MakeGenericType(type));

    /// <summary>The section a type is bound from, declared by its <c>SectionName</c> (or <c>Section</c>) constant.</summary>
    public static string? SectionOf(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name is "SectionName" or "Section")
            .Select(f => (string?)f.GetRawConstantValue())
            .FirstOrDefault();

    /// <summary>
    /// Every key a person can set on <paramref name="type"/> below <paramref name="prefix"/>: public settable properties
    /// (init included) and the collections the binder fills, nested objects walked (<c>Agent:Budget:MaxSteps</c>).
    /// </summary>
    public static IEnumerable<Setting> SettingsOf(Type type, string prefix)
    {
        // A section that is itself a dictionary of named entries (Forges:<name>:Token) documents each entry's keys once.
        if (type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)) is { } dictionary
            && dictionary.GetGenericArguments() is [var keyType, var entryType] && keyType == typeof(string) && !IsLeaf(entryType))
        {
            foreach (var nested in SettingsOf(entryType, prefix + ":<name>"))
            {
                yield return nested;
            }
            yield break;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }
            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (typeof(Delegate).IsAssignableFrom(valueType))
            {
                // Callbacks are for code, never bound from configuration.
                continue;
            }
            var collection = valueType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(valueType);
            if (property.SetMethod is not { IsPublic: true } && !collection)
            {
                continue;
            }
            var key = $"{prefix}:{property.Name}";
            if (collection || IsLeaf(valueType))
            {
                yield return new Setting(key, type, property.Name);
            }
            else
            {
                foreach (var nested in SettingsOf(valueType, key))
                {
                    yield return nested;
                }
            }
        }
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);

    private static IReadOnlyList<IServiceCollection> CollectHostServices()
    {
        var collections = new List<IServiceCollection>();
        using var data = new TempDirectory();
        var server = new NightshiftServerOptions { DataDirectory = data.Path, Urls = ["http://127.0.0.1:0"], WriteConsoleMessages = false };
        var app = NightshiftHost.BuildServer(server, collections.Add);
        var worker = NightshiftHost.BuildWorker(new NightshiftServerOptions { DataDirectory = data.Path, WriteConsoleMessages = false }, collections.Add);
        // Built, never started: nothing listens, nothing is opened.
        ((IDisposable)app).Dispose();
        worker.Dispose();
        return collections;
    }
}
