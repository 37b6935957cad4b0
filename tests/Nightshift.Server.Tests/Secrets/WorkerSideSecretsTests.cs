using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Nightshift.Agent.Execution;
using Nightshift.Core.Tasks;
using Nightshift.Core.Teams;
using Nightshift.Models.Recording;
using Nightshift.Models.Selection;
using Nightshift.Server.Metrics;
using Nightshift.Server.Secrets;
using Nightshift.Server.Tests.Support;
using Nightshift.Server.Workers;
using Nightshift.Storage;
using Nightshift.Storage.Teams;
using Nightshift.TestKit;
using Nightshift.TestKit.Models;

namespace Nightshift.Server.Tests.Secrets;

/// <summary>What the worker does with an organisation's secrets: its tasks' model calls carry its key, and leaks are masked in events.</summary>
public sealed class WorkerSideSecretsTests : IAsyncLifetime
{
    private const string ServerKey = "sk-test-server-configured-0123456789";
    private const string AcmeKey = "sk-test-acme-own-key-0123456789abcd";

    private ScriptedModelServer _models = null!;
    private RunningServer _server = null!;

    public async Task InitializeAsync()
    {
        _models = await ScriptedModelServer.StartAsync();
        var environment = ModelEnvironment.From(new Dictionary<string, string?>
        {
            [ModelEnvironmentVariables.OpenAIApiKey] = ServerKey,
            [ModelEnvironmentVariables.OpenAIBaseUrl] = _models.OpenAIBaseUri.ToString(),
        });
        _server = await RunningServer.StartAsync(services: s => s.AddSingleton(environment));
        await _server.Store.CreateOrgAsync(new NewOrganisation("acme", "Acme"));
        await _server.Store.CreateOrgAsync(new NewOrganisation("globex", "Globex"));
        var protector = _server.App.Services.GetRequiredService<ISecretProtector>();
        await _server.Store.PutSecretAsync("acme", "model.openai.api-key",
            protector.Protect(SecretPurpose.OrgSecret, AcmeKey, OrgSecrets.Context("acme", "model.openai.api-key")));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _models.DisposeAsync();
    }

    private async Task<string?> AuthorizationOfACallAsync(string orgId)
    {
        _models.Enqueue(ScriptedReply.Text("ok"));
        var before = _models.Requests.Count;
        var models = _server.App.Services.GetRequiredService<IAgentModels>();
        var task = new TaskRecord { Id = "t_" + orgId, Repo = "https://git.example.com/team/app", Instruction = "hi", Title = "hi", Model = "openai/gpt-4.1", OrgId = orgId };
        using var model = await models.CreateBuildAsync(task, null, TestDefaults.TimeoutToken());

        await model.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], cancellationToken: TestDefaults.TimeoutToken());

        return _models.Requests[before].Header("Authorization");
    }

    [Fact]
    public async Task CreateBuildAsync_TaskOfAnOrgWithItsOwnKey_CallsTheProviderWithIt() =>
        (await AuthorizationOfACallAsync("acme")).ShouldBe($"Bearer {AcmeKey}");

    [Fact]
    public async Task CreateBuildAsync_TaskOfAnotherOrg_CallsTheProviderWithTheServersKey() =>
        (await AuthorizationOfACallAsync("globex")).ShouldBe($"Bearer {ServerKey}");

    [Fact]
    public async Task CreatePlanAsync_TaskOfAnOrgWithItsOwnKey_CallsTheProviderWithIt()
    {
        _models.Enqueue(ScriptedReply.Text("plan"));
        var models = _server.App.Services.GetRequiredService<IAgentModels>();
        var task = new TaskRecord { Id = "t_plan", Repo = "https://git.example.com/team/app", Instruction = "hi", Title = "hi", Model = "openai/gpt-4.1", OrgId = "acme" };
        using var model = await models.CreatePlanAsync(task, null, TestDefaults.TimeoutToken());

        await model.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "plan")], cancellationToken: TestDefaults.TimeoutToken());

        _models.Requests[^1].Header("Authorization").ShouldBe($"Bearer {AcmeKey}");
    }

    [Fact]
    public async Task EmitAsync_EventCarryingADecryptedSecret_IsStoredMasked()
    {
        (await _server.App.Services.GetRequiredService<IOrgSecrets>().GetAsync("acme", "model.openai.api-key")).ShouldBe(AcmeKey);
        var submitted = await _server.Store.SubmitAsync(new NewTask { Repo = "https://git.example.com/team/app", Instruction = "leak it", OrgId = "acme" }.Validated());
        var lease = await _server.Store.TryClaimAsync(new ClaimRequest("test-worker:1:0", TimeSpan.FromMinutes(5))) ?? throw new InvalidOperationException("not claimed");
        var run = new LeasedTaskRun(lease, _server.Store, _server.App.Services.GetRequiredService<ServerMetrics>(), TimeProvider.System,
            _server.App.Services.GetRequiredService<SecretValues>());

        await run.EmitAsync("tool.result", System.Text.Json.JsonSerializer.Serialize(new { output = $"env says OPENAI_API_KEY={AcmeKey}\n" }));

        var events = await _server.Store.ReadEventsAsync(submitted.Task.Id, 0, 100);
        events.ShouldNotBeEmpty();
        events.ShouldAllBe(e => !e.Data.Contains(AcmeKey));
        events[^1].Data.ShouldContain(SecretRedactor.Mask);
    }
}
