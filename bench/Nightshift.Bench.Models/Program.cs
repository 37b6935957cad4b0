using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.AI;
using Nightshift.Models;
using Nightshift.Models.Selection;
using Nightshift.TestKit.Models;

// Adapter overhead per call, network excluded as far as a loopback can: each adapter calls the scripted server,
// and the baseline POSTs the very same body to the same server with a bare HttpClient in the same run.
const int Warmup = 300;
var iterations = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 3000;

await using var server = await ScriptedModelServer.StartAsync();
server.Fallback = ScriptedReply.Text("Hello from the scripted model, a reply of ordinary length.").WithUsage(1200, 40, 800);
var environment = ModelEnvironment.From(new Dictionary<string, string?>
{
    [ModelEnvironmentVariables.OpenAIApiKey] = "sk-bench-0123456789abcdef",
    [ModelEnvironmentVariables.OpenAIBaseUrl] = server.OpenAIBaseUri.ToString(),
    [ModelEnvironmentVariables.AnthropicApiKey] = "sk-ant-bench-0123456789",
    [ModelEnvironmentVariables.AnthropicBaseUrl] = server.AnthropicBaseUri.ToString(),
});
using var factory = new ChatClientFactory(new ModelOptions(), environment);
var openAI = factory.Create("openai/gpt-4.1");
var anthropic = factory.Create("anthropic/claude-sonnet-4-5");
List<ChatMessage> conversation =
[
    new(ChatRole.System, "You are a careful coding agent."),
    new(ChatRole.User, "Summarise the repository's README in two sentences."),
];

// One call each to capture the exact bodies the adapters send.
await openAI.GetResponseAsync(conversation);
await anthropic.GetResponseAsync(conversation);
var openAIBody = server.Requests[^2].Body;
var anthropicBody = server.Requests[^1].Body;

using var raw = new HttpClient(new SocketsHttpHandler());
raw.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-bench-0123456789abcdef");
var openAIUri = new Uri(server.OpenAIBaseUri, "chat/completions");
var anthropicUri = new Uri(server.BaseUri, "v1/messages");

async Task RawPostAsync(Uri uri, string body)
{
    using var content = new StringContent(body, Encoding.UTF8, "application/json");
    using var response = await raw.PostAsync(uri, content);
    response.EnsureSuccessStatusCode();
    _ = await response.Content.ReadAsByteArrayAsync();
}

var results = new List<(string Name, double P50, double P95, double Mean)>
{
    await MeasureAsync("raw HttpClient POST (OpenAI body)", () => RawPostAsync(openAIUri, openAIBody)),
    await MeasureAsync("Nightshift OpenAI adapter", () => openAI.GetResponseAsync(conversation)),
    await MeasureAsync("raw HttpClient POST (Anthropic body)", () => RawPostAsync(anthropicUri, anthropicBody)),
    await MeasureAsync("Anthropic SDK IChatClient (+ Nightshift layers)", () => anthropic.GetResponseAsync(conversation)),
};

Console.WriteLine($"Nightshift.Bench.Models — {iterations} calls each after {Warmup} warm-up, loopback scripted server, {Environment.ProcessorCount} cores");
Console.WriteLine($"{"path",-50} {"p50 µs",10} {"p95 µs",10} {"mean µs",10}");
foreach (var (name, p50, p95, mean) in results)
{
    Console.WriteLine($"{name,-50} {p50,10:F1} {p95,10:F1} {mean,10:F1}");
}
Report("OpenAI adapter", results[1], results[0]);
Report("Anthropic client", results[3], results[2]);
return 0;

async Task<(string, double, double, double)> MeasureAsync(string name, Func<Task> call)
{
    for (var i = 0; i < Warmup; i++)
    {
        await call();
    }
    var samples = new double[iterations];
    for (var i = 0; i < iterations; i++)
    {
        var start = Stopwatch.GetTimestamp();
        await call();
        samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }
    Array.Sort(samples);
    return (name, samples[iterations / 2], samples[(int)(iterations * 0.95)], samples.Average());
}

static void Report(string what, (string Name, double P50, double P95, double Mean) adapter, (string Name, double P50, double P95, double Mean) baseline) =>
    Console.WriteLine($"{what}: overhead per call p50 {adapter.P50 - baseline.P50:+0.0;-0.0} µs ({adapter.P50 / baseline.P50:F2}× raw), p95 {adapter.P95 - baseline.P95:+0.0;-0.0} µs ({adapter.P95 / baseline.P95:F2}× raw)");
