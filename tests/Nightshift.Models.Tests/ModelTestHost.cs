using Microsoft.Extensions.AI;
using Nightshift.Models;
using Nightshift.Models.Selection;
using Nightshift.TestKit.Models;

namespace Nightshift.Models.Tests;

/// <summary>A scripted server plus a factory whose environment points every provider at it, with tiny retry delays.</summary>
internal sealed class ModelTestHost : IAsyncDisposable
{
    public const string OpenAIKey = "sk-test-openai-0123456789abcdef";
    public const string AnthropicKey = "sk-ant-test-0123456789abcdef";
    public const string GeminiKey = "AIzaTestGeminiKey0123456789abcdef";

    private ModelTestHost(ScriptedModelServer server, Dictionary<string, string?> environment)
    {
        Server = server;
        Environment = environment;
    }

    public ScriptedModelServer Server { get; }

    public Dictionary<string, string?> Environment { get; }

    public ModelOptions Options { get; } = new()
    {
        Resilience =
        {
            MaxRetries = 2,
            DelayScale = 0,
            CallTimeout = TimeSpan.FromSeconds(10),
            CircuitMinimumThroughput = 100,
        },
    };

    public CapturingLoggerFactory Logs { get; } = new();

    public static async Task<ModelTestHost> StartAsync()
    {
        var server = await ScriptedModelServer.StartAsync();
        var environment = new Dictionary<string, string?>
        {
            [ModelEnvironmentVariables.OpenAIApiKey] = OpenAIKey,
            [ModelEnvironmentVariables.OpenAIBaseUrl] = server.OpenAIBaseUri.ToString(),
            [ModelEnvironmentVariables.AnthropicApiKey] = AnthropicKey,
            [ModelEnvironmentVariables.AnthropicBaseUrl] = server.AnthropicBaseUri.ToString(),
            [ModelEnvironmentVariables.GeminiApiKey] = GeminiKey,
            [ModelEnvironmentVariables.GeminiBaseUrl] = server.OpenAIBaseUri.ToString(),
            [ModelEnvironmentVariables.OllamaHost] = server.BaseUri.GetLeftPart(UriPartial.Authority),
            [ModelEnvironmentVariables.OpenAICompatibleBaseUrl] = server.OpenAIBaseUri.ToString(),
        };
        return new ModelTestHost(server, environment);
    }

    public ChatClientFactory Factory(TimeProvider? timeProvider = null) =>
        new(Options, ModelEnvironment.From(Environment), timeProvider, Logs);

    public IChatClient Client(string model) => Factory().Create(model);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
