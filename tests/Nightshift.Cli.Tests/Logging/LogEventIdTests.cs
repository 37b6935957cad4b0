using System.Reflection;
using Microsoft.Extensions.Logging;
using Nightshift.Cli.Connection;

namespace Nightshift.Cli.Tests.Logging;

/// <summary>
/// Log event ids are how an operator filters and alerts on one message, so two messages anywhere in Nightshift must
/// never share one. The command line references every other Nightshift assembly, so its test project sees them all.
/// </summary>
public sealed class LogEventIdTests
{
    private static readonly string[] Modules =
    [
        "Nightshift.Core", "Nightshift.Storage", "Nightshift.Sandbox", "Nightshift.Workspaces", "Nightshift.Models",
        "Nightshift.Agent", "Nightshift.Forges", "Nightshift.Server",
    ];

    [Fact]
    public void LoggerMessages_AcrossEveryNightshiftAssembly_HaveUniqueEventIds()
    {
        var messages = NightshiftAssemblies().SelectMany(LoggerMessages).ToList();

        var duplicates = messages
            .GroupBy(m => m.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"event id {g.Key} is used by {string.Join(" and ", g.Select(m => m.Where))}: give each a free id in its module's range (grep 'EventId =' under src/)")
            .ToList();
        duplicates.ShouldBeEmpty();
    }

    [Fact]
    public void LoggerMessages_Scan_FindsTheMessagesOfEveryModuleThatLogs()
    {
        var assemblies = NightshiftAssemblies();
        var names = assemblies.Select(a => a.GetName().Name).ToList();
        foreach (var module in Modules)
        {
            names.ShouldContain(module);
        }
        var messages = assemblies.SelectMany(LoggerMessages).ToList();
        // One known message per module that logs: a scan that stops finding them would pass the uniqueness test vacuously.
        foreach (var module in new[] { "Nightshift.Storage", "Nightshift.Sandbox", "Nightshift.Workspaces", "Nightshift.Models", "Nightshift.Agent", "Nightshift.Server" })
        {
            messages.ShouldContain(m => m.Where.StartsWith(module + ":", StringComparison.Ordinal), $"no [LoggerMessage] found in {module}");
        }
        messages.ShouldContain(m => m.EventId == 4101 && m.Where.Contains("TaskWorkspaces", StringComparison.Ordinal));
    }

    private static List<Assembly> NightshiftAssemblies()
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var pending = new Stack<Assembly>([typeof(ConnectionResolver).Assembly]);
        while (pending.Count > 0)
        {
            var assembly = pending.Pop();
            if (!found.TryAdd(assembly.GetName().Name!, assembly))
            {
                continue;
            }
            foreach (var reference in assembly.GetReferencedAssemblies())
            {
                if (reference.Name is { } name && name.StartsWith("Nightshift.", StringComparison.Ordinal) && !found.ContainsKey(name))
                {
                    pending.Push(Assembly.Load(reference));
                }
            }
        }
        return [.. found.Values];
    }

    private static IEnumerable<(int EventId, string Where)> LoggerMessages(Assembly assembly)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(All))
            {
                if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } attribute)
                {
                    yield return (attribute.EventId, $"{assembly.GetName().Name}: {type.FullName}.{method.Name}");
                }
            }
        }
    }
}
