using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nightshift.Agent.Execution;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Core.Execution;
using Nightshift.Core.Forges;
using Nightshift.Core.Tasks;
using Nightshift.Models.Fallback;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;
using Nightshift.TestKit.Git;

namespace Nightshift.Agent.Tests.Execution;

/// <summary>
/// The real executor on a real repository: a bare remote with a small node project, the real bubblewrap sandbox, real
/// git worktrees, the local forge (or the one a test passes) — and a scripted model in place of a provider.
/// </summary>
internal sealed class ExecutorHarness : IDisposable
{
    public const string BuggyCalc = "export function add(a, b) {\n  return a - b;\n}\n\nexport function mul(a, b) {\n  return a * b;\n}\n";
    public const string CalcTest =
        "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add, mul } from './calc.mjs';\n\n" +
        "test('adds', () => assert.equal(add(2, 3), 5));\ntest('multiplies', () => assert.equal(mul(2, 3), 6));\n";

    private readonly ServiceProvider _services;

    public ExecutorHarness(IChatClient model, Action<Dictionary<string, string?>>? settings = null, TimeProvider? time = null, IForge? forge = null, ILoggerProvider? logs = null, IFollowUpSource? followUps = null, Nightshift.Agent.Budgets.IModelCallBudget? budget = null, Nightshift.Core.Teams.IOrgSecrets? orgSecrets = null)
    {
        Repo = TempGitRepo.Create();
        Repo.Commit("calculator with a bug", ("calc.mjs", BuggyCalc), ("calc.test.mjs", CalcTest),
            (".nightshift.yml", "test: node --test\nnetwork: off\n"));
        Data = Repo.NewFolder("data");
        var values = new Dictionary<string, string?>
        {
            ["Workspaces:DataDirectory"] = Data,
            ["Repositories:AllowedRoots:0"] = Repo.Root,
            ["Agent:VerificationRounds"] = "2",
            ["Agent:Budget:MaxSteps"] = "12",
        };
        settings?.Invoke(values);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(l =>
            {
                l.SetMinimumLevel(logs is null ? LogLevel.Warning : LogLevel.Trace);
                if (logs is not null)
                {
                    l.AddProvider(logs);
                }
            })
            .AddNightshiftAgent();
        services.AddSingleton<IAgentModels>(new ScriptedModels(model));
        if (time is not null)
        {
            services.AddSingleton(time);
        }
        if (forge is not null)
        {
            services.AddSingleton(forge);
        }
        if (followUps is not null)
        {
            services.AddSingleton(followUps);
        }
        if (budget is not null)
        {
            services.AddSingleton(budget);
        }
        if (orgSecrets is not null)
        {
            services.AddSingleton(orgSecrets);
        }
        _services = services.BuildServiceProvider();
    }

    public TempGitRepo Repo { get; }

    public string Data { get; }

    public ITaskExecutor Executor => _services.GetRequiredService<ITaskExecutor>();

    public IForge Forge => _services.GetRequiredService<IForge>();

    public TaskRecord NewTask(string instruction = "Fix add(): it subtracts instead of adding") => new()
    {
        Id = TaskId.New(TimeProvider.System),
        Repo = Repo.RemotePath,
        Instruction = instruction,
        Title = Core.Tasks.NewTask.DeriveTitle(instruction),
        Status = TaskState.Running,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>The file as committed on <paramref name="branch"/> of the remote.</summary>
    public string RemoteFile(string branch, string path) => Repo.RemoteGit("show", $"{branch}:{path}");

    public void Dispose()
    {
        _services.Dispose();
        Repo.Dispose();
    }

    private sealed class ScriptedModels(IChatClient model) : IAgentModels
    {
        public AgentModel CreateBuild(TaskRecord task, Action<ModelFallback>? onFallback) =>
            new(new NonDisposing(model), new ModelUsageMeter(UsageMeter.Default, ModelSpec.Parse("openai/gpt-4.1")));
    }

    private sealed class NonDisposing(IChatClient inner) : DelegatingChatClient(inner)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
