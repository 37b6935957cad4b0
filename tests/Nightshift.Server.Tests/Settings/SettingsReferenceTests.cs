using Microsoft.Extensions.Options;
using Nightshift.Agent.Dag;
using Nightshift.Agent.Execution;
using Nightshift.Core.Configuration;
using Nightshift.Sandbox;
using Nightshift.Server.Api;
using Nightshift.Server.Events;
using Nightshift.Server.RateLimiting;
using Nightshift.Storage;
using Nightshift.Workspaces;
using Nightshift.Workspaces.Repositories;

namespace Nightshift.Server.Tests.Settings;

/// <summary>docs/configuration.md names every setting the hosts bind, and every bound options class is validated.</summary>
public sealed class SettingsReferenceTests
{
    private const string PagePath = "docs/configuration.md";

    [Fact]
    public void ConfigurationPage_EveryBoundOptionsProperty_IsNamedWithItsEnvironmentForm()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot(), PagePath));
        var missing = new List<string>();
        foreach (var type in BoundOptions.Types())
        {
            var section = BoundOptions.SectionOf(type);
            if (section is null)
            {
                missing.Add($"{type.FullName} is bound from configuration but declares no section: add `public const string SectionName = \"...\";` "
                    + "to it (the section its binding call uses), so its settings can be checked against " + PagePath);
                continue;
            }
            foreach (var setting in BoundOptions.SettingsOf(type, section))
            {
                var named = page.Contains($"`{setting.Key}`", StringComparison.Ordinal);
                var environment = page.Contains($"`{setting.EnvironmentName}`", StringComparison.Ordinal)
                    || page.Contains($"`{setting.EnvironmentName}__", StringComparison.Ordinal);
                if (!named || !environment)
                {
                    missing.Add($"{PagePath} does not name `{setting.Key}`{(named ? $" with its environment form `{setting.EnvironmentName}`" : "")} "
                        + $"(property {setting.Owner.Name}.{setting.Property}, bound from the '{section}' section by {type.Name}): add a row "
                        + $"| `{setting.Key}` | `{setting.EnvironmentName}` | default | range | effect | to the table of the '{setting.Section}' section");
                }
            }
        }

        missing.ShouldBeEmpty(string.Join("\n", missing));
    }

    [Fact]
    public void BoundOptions_FoundInTheHosts_IncludeEveryKnownSection()
    {
        var types = BoundOptions.Types();

        new[]
        {
            typeof(AgentOptions), typeof(DagOptions), typeof(RepositoryOptions), typeof(WorkspaceOptions), typeof(SandboxOptions),
            typeof(StoreOptions), typeof(SseOptions), typeof(RateLimitSettings), typeof(ApiLimits),
        }.ShouldBeSubsetOf(types);
        BoundOptions.SettingsOf(typeof(AgentOptions), "Agent").Select(s => s.Key).ShouldContain("Agent:Budget:MaxSteps");
        BoundOptions.SettingsOf(typeof(SandboxOptions), "Sandbox").Select(s => s.Key).ShouldContain("Sandbox:DefaultLimits:MemoryBytes");
    }

    [Fact]
    public void BoundOptions_EveryOne_HasAValidatorRegistered()
    {
        var unvalidated = BoundOptions.Types()
            .Where(type => !BoundOptions.Collections.Where(services => BoundOptions.Binds(services, type))
                .All(services => services.Any(d => d.ServiceType == typeof(IValidateOptions<>).MakeGenericType(type))))
            .Select(type => $"{type.FullName} is bound from configuration without an IValidateOptions<{type.Name}>: register one beside its binding "
                + $"(services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<{type.Name}>, {type.Name}Validator>()) and .ValidateOnStart()), "
                + "so a bad value stops the host at start with the setting's name")
            .ToList();

        unvalidated.ShouldBeEmpty(string.Join("\n", unvalidated));
    }

    [Fact]
    public void ConfigurationPage_IsLinkedFromTheReadmeAndAgentsFile()
    {
        var root = RepositoryRoot();

        File.ReadAllText(Path.Combine(root, "README.md")).ShouldContain(PagePath);
        File.ReadAllText(Path.Combine(root, "AGENTS.md")).ShouldContain(PagePath);
    }

    [Fact]
    public void SettingChecks_EnvironmentName_WritesEachColonAsTwoUnderscores()
    {
        SettingChecks.EnvironmentName("Agent:Budget:MaxSteps").ShouldBe("NIGHTSHIFT__Agent__Budget__MaxSteps");
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Nightshift.slnx")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"no Nightshift.slnx above {AppContext.BaseDirectory}; run the tests from a checkout");
    }
}
