using System.ClientModel;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.AI;
using Nightshift.Bench.Models;
using Nightshift.Models;
using Nightshift.Models.Selection;
using Nightshift.TestKit.Models;
using OpenAI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;

// Adapter overhead per call, network excluded as far as a loopback can: each client calls the scripted server, and
// the baseline POSTs the very same body to the same server with a bare HttpClient in the same run. The OpenAI path is
// measured three ways over one SDK client: the hand-written adapter Nightshift used to ship, the official
// Microsoft.Extensions.AI.OpenAI adapter, and the factory's whole pipeline around it.
const int Warmup = 300;
var iterations = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 3000;
const string Key = "sk-bench-0123456789abcdef";

await using var server = await ScriptedModelServer.StartAsync();
server.Fallback = ScriptedReply.Text("Hello from the scripted model, a reply of ordinary length.").WithUsage(1200, 40, 800);
var environment = ModelEnvironment.From(new Dictionary<string, string?>
{
    [ModelEnvironmentVariables.OpenAIApiKey] = Key,
    [ModelEnvironmentVariables.OpenAIBaseUrl] = server.OpenAIBaseUri.ToString(),
    [ModelEnvironmentVariables.AnthropicApiKey] = "sk-ant-bench-0123456789",
    [ModelEnvironmentVariables.AnthropicBaseUrl] = server.AnthropicBaseUri.ToString(),
});
using var factory = new ChatClientFactory(new ModelOptions(), environment);
var pipeline = factory.Create("openai/gpt-4.1");
var anthropic = factory.Create("anthropic/claude-sonnet-4-5");
var sdk = new ChatClient("gpt-4.1", new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = server.OpenAIBaseUri });
using var handWritten = new HandWrittenOpenAIChatClient(sdk, "openai", server.OpenAIBaseUri, "gpt-4.1");
using var official = sdk.AsIChatClient();

var readFile = AIFunctionFactory.Create((string path) => path, "read_file", "Reads a file");
var options = new ChatOptions { Instructions = "You are a careful coding agent.", Tools = [readFile] };
List<AIChatMessage> conversation =
[
    new(ChatRole.User, "Summarise the repository's README in two sentences."),
    new(ChatRole.Assistant, [new TextContent("Reading it."), new FunctionCallContent("call_1", "read_file", new Dictionary<string, object?> { ["path"] = "README.md" })]),
    new(ChatRole.Tool, [new FunctionResultContent("call_1", "# Demo\nA small project that greets people.")]),
];

// One call each to capture the exact bodies the clients send.
await pipeline.GetResponseAsync(conversation, options);
await anthropic.GetResponseAsync(conversation, options);
var openAIBody = server.Requests[^2].Body;
var anthropicBody = server.Requests[^1].Body;

using var raw = new HttpClient(new SocketsHttpHandler());
raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
var openAIUri = new Uri(server.OpenAIBaseUri, "chat/completions");
var anthropicUri = new Uri(server.BaseUri, "v1/messages");

async Task RawPostAsync(Uri uri, string body)
{
    using var content = new StringContent(body, Encoding.UTF8, "application/json");
    using var response = await raw.PostAsync(uri, content);
    response.EnsureSuccessStatusCode();
    _ = await response.Content.ReadAsByteArrayAsync();
}

// Interleaved rounds, so a noisy neighbour on a shared machine slows every path alike rather than one of them.
var paths = new (string Name, Func<Task> Call)[]
{
    ("raw HttpClient POST (OpenAI body)", () => RawPostAsync(openAIUri, openAIBody)),
    ("hand-written OpenAI adapter (before)", () => handWritten.GetResponseAsync(conversation, options)),
    ("Microsoft.Extensions.AI.OpenAI adapter", () => official.GetResponseAsync(conversation, options)),
    ("factory pipeline (official adapter + middleware)", () => pipeline.GetResponseAsync(conversation, options)),
    ("raw HttpClient POST (Anthropic body)", () => RawPostAsync(anthropicUri, anthropicBody)),
    ("Anthropic SDK IChatClient (+ Nightshift layers)", () => anthropic.GetResponseAsync(conversation, options)),
};
var samples = paths.Select(_ => new List<double>(iterations)).ToArray();
for (var i = 0; i < Warmup; i++)
{
    foreach (var (_, call) in paths)
    {
        await call();
    }
}
const int Rounds = 10;
for (var round = 0; round < Rounds; round++)
{
    for (var p = 0; p < paths.Length; p++)
    {
        for (var i = 0; i < iterations / Rounds; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await paths[p].Call();
            samples[p].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
    }
}
var results = samples.Select((s, p) => Summarise(paths[p].Name, s)).ToList();

Console.WriteLine($"Nightshift.Bench.Models — {iterations} calls each after {Warmup} warm-up, interleaved in {Rounds} rounds, loopback scripted server, {Environment.ProcessorCount} cores");
Console.WriteLine($"{"path",-50} {"p50 µs",10} {"p95 µs",10} {"mean µs",10}");
foreach (var (name, p50, p95, mean) in results)
{
    Console.WriteLine($"{name,-50} {p50,10:F1} {p95,10:F1} {mean,10:F1}");
}
Report("hand-written OpenAI adapter", results[1], results[0]);
Report("official OpenAI adapter", results[2], results[0]);
Report("factory pipeline", results[3], results[0]);
Report("Anthropic client", results[5], results[4]);
Console.WriteLine(
    $"official adapter vs hand-written: p50 {results[2].P50 / results[1].P50:F2}×, mean {results[2].Mean / results[1].Mean:F2}× " +
    $"(adapter cost above raw: {results[2].P50 - results[0].P50:+0.0;-0.0} µs vs {results[1].P50 - results[0].P50:+0.0;-0.0} µs at p50)");
Console.WriteLine($"middleware (telemetry, logging, usage, error mapping, compact tool calls, resilience) above the bare official adapter: p50 {results[3].P50 - results[2].P50:+0.0;-0.0} µs");
return 0;

static (string Name, double P50, double P95, double Mean) Summarise(string name, List<double> values)
{
    var sorted = values.Order().ToArray();
    return (name, sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.95)], sorted.Average());
}

static void Report(string what, (string Name, double P50, double P95, double Mean) adapter, (string Name, double P50, double P95, double Mean) baseline) =>
    Console.WriteLine($"{what}: overhead per call p50 {adapter.P50 - baseline.P50:+0.0;-0.0} µs ({adapter.P50 / baseline.P50:F2}× raw), p95 {adapter.P95 - baseline.P95:+0.0;-0.0} µs ({adapter.P95 / baseline.P95:F2}× raw)");
