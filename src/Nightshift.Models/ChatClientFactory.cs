using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Anthropic.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nightshift.Models.Errors;
using Nightshift.Models.Fallback;
using Nightshift.Models.Pricing;
using Nightshift.Models.Providers;
using Nightshift.Models.Recording;
using Nightshift.Models.Replay;
using Nightshift.Models.Resilience;
using Nightshift.Models.Selection;
using Nightshift.Models.Usage;
using OpenAI;
using OpenAI.Chat;

namespace Nightshift.Models;

/// <summary>
/// Builds <see cref="IChatClient"/>s from <c>provider/model</c> strings. Each is one <see cref="ChatClientBuilder"/>
/// pipeline over the provider's official adapter (OpenAI's from Microsoft.Extensions.AI.OpenAI, Anthropic's from its
/// SDK): OpenTelemetry → logging → optional recording → usage (which model answered) → error mapping → adapter, with
/// resilience (retries, Retry-After, per-attempt timeout, a circuit breaker per provider) under the adapter's
/// HttpClient; several models make a fallback chain. One factory per process: it owns the connection pool and the
/// circuit breakers' memory.
/// </summary>
public sealed class ChatClientFactory : IDisposable
{
    private const string DefaultOpenAIBaseUrl = "https://api.openai.com/v1";
    private const string DefaultAnthropicBaseUrl = "https://api.anthropic.com";
    private const string DefaultGeminiBaseUrl = "https://generativelanguage.googleapis.com/v1beta/openai/";
    private const string DefaultOllamaHost = "http://127.0.0.1:11434";

    /// <summary>The ActivitySource and Meter name model calls are traced and measured under (gen_ai.* conventions).</summary>
    public const string TelemetrySourceName = "Nightshift.Models";

    // The resilience layer owns time limits; the SDKs' own must never fire first.
    private static readonly TimeSpan SdkTimeout = TimeSpan.FromHours(24);

    private readonly ModelEnvironment _environment;
    private readonly ILoggerFactory _loggerFactory;
    private readonly HttpMessageHandler _transport;
    private readonly bool _ownsTransport;
    private readonly ProviderPipelines _pipelines;
    private readonly IReadOnlyList<string> _secrets;
    private readonly Lazy<CassetteWriter?> _recorder;
    private readonly ReplayCassettes _replay;

    public ChatClientFactory(
        ModelOptions? options = null,
        ModelEnvironment? environment = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        HttpMessageHandler? transport = null)
    {
        Options = options ?? new ModelOptions();
        _environment = environment ?? ModelEnvironment.Process;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _ownsTransport = transport is null;
        _transport = transport ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _pipelines = new ProviderPipelines(Options.Resilience, TimeProvider);
        _secrets = [.. _environment.SecretValues(), .. new[] { Options.OpenAICompatibleApiKey }.OfType<string>()];
        _loggerFactory = loggerFactory is null or NullLoggerFactory ? NullLoggerFactory.Instance : new RedactingLoggerFactory(loggerFactory, _secrets);
        Prices = new PriceTable(Options.Prices);
        Meter = new UsageMeter(Prices);
        _replay = new ReplayCassettes(Options.ReplayDirectory);
        _recorder = new Lazy<CassetteWriter?>(() =>
            (_environment.Get(ModelEnvironmentVariables.RecordTo) ?? Options.RecordTo) is { } path ? new CassetteWriter(path, _secrets) : null);
    }

    public ModelOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public PriceTable Prices { get; }

    /// <summary>Prices responses of clients from this factory: <c>factory.Meter.Measure(response, spec)</c>.</summary>
    public UsageMeter Meter { get; }

    /// <summary>The secret values this factory knows of (for redacting other output the same way).</summary>
    public IReadOnlyList<string> Secrets => _secrets;

    /// <summary>
    /// Which models plan and build. Precedence: <paramref name="modelOverride"/> (a task's or --model), then
    /// NIGHTSHIFT_PLAN_MODEL / NIGHTSHIFT_BUILD_MODEL, Models:PlanModel / BuildModel, NIGHTSHIFT_MODEL, Models:Model.
    /// Each may be a comma-separated chain; NIGHTSHIFT_MODEL_FALLBACKS (else Models:Fallbacks) is appended to both.
    /// </summary>
    public ModelSelection ResolveSelection(string? modelOverride = null)
    {
        var fallbacks = _environment.Get(ModelEnvironmentVariables.Fallbacks) is { } fromEnvironment
            ? ParseSetting(ModelEnvironmentVariables.Fallbacks, fromEnvironment)
            : [.. Options.Fallbacks.Where(f => !string.IsNullOrWhiteSpace(f)).SelectMany(f => ParseSetting("Models:Fallbacks", f))];
        return new ModelSelection(
            Resolve(modelOverride, ModelEnvironmentVariables.PlanModel, Options.PlanModel, "Models:PlanModel", fallbacks),
            Resolve(modelOverride, ModelEnvironmentVariables.BuildModel, Options.BuildModel, "Models:BuildModel", fallbacks));
    }

    /// <summary>Where <c>replay/…</c> cassettes may be read from (<c>Models:ReplayDirectory</c>).</summary>
    public ReplayCassettes Replay => _replay;

    /// <summary>
    /// Checks a model string a task asks for before it is queued: it parses as a chain, and every <c>replay/…</c> in it
    /// names a cassette this process may read. Keys are not checked: the worker that runs the task may hold others.
    /// </summary>
    /// <exception cref="ModelConfigurationException">the message says what is wrong and which setting allows it.</exception>
    public void ValidateRequested(string model)
    {
        foreach (var spec in ModelSpec.ParseChain(model))
        {
            if (spec.IsReplay)
            {
                _replay.Resolve(spec.Model);
            }
        }
    }

    public IChatClient Create(string model) => Create(ModelSpec.Parse(model));

    /// <summary>A client for one model: the provider's adapter inside this factory's middleware pipeline.</summary>
    public IChatClient Create(ModelSpec spec) => Create(spec, null);

    /// <summary>
    /// A client for one model whose provider's key is <paramref name="apiKeys"/>' entry for it (by provider name, e.g. an
    /// organisation's own key) when there is one, else the configured key. The keys given are redacted like the
    /// configured ones.
    /// </summary>
    public IChatClient Create(ModelSpec spec, IReadOnlyDictionary<string, string>? apiKeys)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.IsReplay)
        {
            return Pipeline(ReplayChatClient.Load(_replay, spec.Model), spec).Build();
        }
        var key = apiKeys is not null && apiKeys.TryGetValue(spec.Provider, out var given) && !string.IsNullOrWhiteSpace(given) ? given.Trim() : null;
        var secrets = key is null ? _secrets : [.. _secrets, key];
        var (client, endpoint) = spec.Provider switch
        {
            ModelProviders.Anthropic => CreateAnthropic(spec, key, secrets),
            ModelProviders.OpenAI => CreateOpenAICompatible(spec, ModelEnvironmentVariables.OpenAIApiKey, required: true,
                ModelEnvironmentVariables.OpenAIBaseUrl, DefaultOpenAIBaseUrl, key, secrets),
            ModelProviders.Gemini => CreateOpenAICompatible(spec, ModelEnvironmentVariables.GeminiApiKey, required: true,
                ModelEnvironmentVariables.GeminiBaseUrl, DefaultGeminiBaseUrl, key, secrets),
            ModelProviders.Ollama => CreateOllama(spec, secrets),
            ModelProviders.OpenAICompatible => CreateGenericCompatible(spec, key, secrets),
            _ => throw new ModelConfigurationException($"unknown model provider '{spec.Provider}': use one of {string.Join(", ", ModelProviders.All)}"),
        };
        var builder = Pipeline(client, spec);
        if (_recorder.Value is { } recorder)
        {
            builder.Use(inner => new RecordingChatClient(inner, recorder, spec, TimeProvider));
        }
        return builder
            .Use(inner => new AnsweringModelChatClient(inner, spec, client.GetService<ChatClientMetadata>()?.ProviderUri))
            .Use(inner => new ProviderErrorChatClient(inner, spec, endpoint, secrets))
            .Build();
    }

    /// <summary>
    /// One client over several models: each is asked in order while the previous one fails for good.
    /// <paramref name="onFallback"/> hears of every switch (the agent emits <c>model.fallback</c>).
    /// </summary>
    public IChatClient CreateChain(IReadOnlyList<ModelSpec> chain, Action<ModelFallback>? onFallback = null) => CreateChain(chain, onFallback, null);

    /// <summary>As <see cref="CreateChain(IReadOnlyList{ModelSpec}, Action{ModelFallback}?)"/>, with <paramref name="apiKeys"/> by provider name taking the configured keys' place.</summary>
    public IChatClient CreateChain(IReadOnlyList<ModelSpec> chain, Action<ModelFallback>? onFallback, IReadOnlyDictionary<string, string>? apiKeys)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.Count == 0)
        {
            throw new ModelConfigurationException("the model chain is empty: name at least one provider/model");
        }
        var clients = chain.Select(spec => (spec, Create(spec, apiKeys))).ToList();
        return clients.Count == 1 ? clients[0].Item2 : new FallbackChatClient(clients, onFallback, _loggerFactory.CreateLogger<ChatClientFactory>());
    }

    public void Dispose()
    {
        if (_recorder.IsValueCreated)
        {
            _recorder.Value?.Dispose();
        }
        if (_ownsTransport)
        {
            _transport.Dispose();
        }
    }

    // The first middleware added is the outermost: telemetry and logging see every call as the caller made it.
    // Usage telemetry sits inside OpenTelemetry's middleware so that the model call's span is current when it prices it.
    private ChatClientBuilder Pipeline(IChatClient client, ModelSpec spec) =>
        new ChatClientBuilder(client)
            .UseOpenTelemetry(_loggerFactory, TelemetrySourceName)
            .Use(inner => new UsageTelemetryChatClient(inner, Meter, spec, TelemetrySourceName))
            .UseLogging(_loggerFactory);

    private List<ModelSpec> Resolve(string? modelOverride, string variable, string? configured, string setting, IReadOnlyList<ModelSpec> fallbacks)
    {
        List<ModelSpec> chain;
        if (!string.IsNullOrWhiteSpace(modelOverride))
        {
            chain = ParseSetting("the requested model", modelOverride);
        }
        else if (_environment.Get(variable) is { } specific)
        {
            chain = ParseSetting(variable, specific);
        }
        else if (!string.IsNullOrWhiteSpace(configured))
        {
            chain = ParseSetting(setting, configured);
        }
        else if (_environment.Get(ModelEnvironmentVariables.Model) is { } general)
        {
            chain = ParseSetting(ModelEnvironmentVariables.Model, general);
        }
        else if (!string.IsNullOrWhiteSpace(Options.Model))
        {
            chain = ParseSetting("Models:Model", Options.Model);
        }
        else
        {
            throw new ModelConfigurationException(
                $"no model chosen: set {ModelEnvironmentVariables.Model} (e.g. anthropic/claude-sonnet-4-5 or openai/gpt-4.1), pass --model, or set Models:Model in appsettings.json");
        }
        foreach (var fallback in fallbacks)
        {
            if (!chain.Contains(fallback))
            {
                chain.Add(fallback);
            }
        }
        return chain;
    }

    private static List<ModelSpec> ParseSetting(string source, string value)
    {
        try
        {
            return [.. ModelSpec.ParseChain(value)];
        }
        catch (ModelConfigurationException exception)
        {
            throw new ModelConfigurationException($"{source}: {exception.Message}");
        }
    }

    private (IChatClient, ProviderEndpoint) CreateAnthropic(ModelSpec spec, string? givenKey, IReadOnlyList<string> secrets)
    {
        var key = givenKey ?? RequireKey(spec, ModelEnvironmentVariables.AnthropicApiKey);
        var baseUrl = BaseUrl(ModelEnvironmentVariables.AnthropicBaseUrl, _environment.Get(ModelEnvironmentVariables.AnthropicBaseUrl) ?? DefaultAnthropicBaseUrl);
        var endpoint = new ProviderEndpoint(spec.Provider, ModelEnvironmentVariables.AnthropicApiKey, ModelEnvironmentVariables.AnthropicBaseUrl);
        var client = new AnthropicClient(new ClientOptions
        {
            ApiKey = key,
            BaseUrl = baseUrl.ToString().TrimEnd('/'),
            HttpClient = HttpClientFor(endpoint, secrets),
            MaxRetries = 0,
            Timeout = SdkTimeout,
        });
        return (client.AsIChatClient(spec.Model, Options.AnthropicMaxOutputTokens), endpoint);
    }

    private (IChatClient, ProviderEndpoint) CreateOpenAICompatible(
        ModelSpec spec, string keyVariable, bool required, string baseUrlVariable, string defaultBaseUrl, string? givenKey, IReadOnlyList<string> secrets)
    {
        var key = givenKey ?? (required ? RequireKey(spec, keyVariable) : _environment.Get(keyVariable));
        var baseUrl = BaseUrl(baseUrlVariable, _environment.Get(baseUrlVariable) ?? defaultBaseUrl);
        return OpenAIClient(spec, key, baseUrl, new ProviderEndpoint(spec.Provider, keyVariable, baseUrlVariable), secrets);
    }

    private (IChatClient, ProviderEndpoint) CreateOllama(ModelSpec spec, IReadOnlyList<string> secrets)
    {
        var host = _environment.Get(ModelEnvironmentVariables.OllamaHost) ?? DefaultOllamaHost;
        if (!host.Contains("://", StringComparison.Ordinal))
        {
            host = "http://" + host;
        }
        var baseUrl = BaseUrl(ModelEnvironmentVariables.OllamaHost, host.TrimEnd('/') + "/v1");
        return OpenAIClient(spec, null, baseUrl, new ProviderEndpoint(spec.Provider, null, ModelEnvironmentVariables.OllamaHost), secrets);
    }

    private (IChatClient, ProviderEndpoint) CreateGenericCompatible(ModelSpec spec, string? givenKey, IReadOnlyList<string> secrets)
    {
        var raw = _environment.Get(ModelEnvironmentVariables.OpenAICompatibleBaseUrl) ?? Options.OpenAICompatibleBaseUrl
            ?? throw new ModelConfigurationException(
                $"{spec} needs the server's base URL: set {ModelEnvironmentVariables.OpenAICompatibleBaseUrl} (e.g. http://127.0.0.1:8000/v1 for vLLM, http://127.0.0.1:1234/v1 for LM Studio, https://openrouter.ai/api/v1) or Models:OpenAICompatibleBaseUrl");
        var key = givenKey ?? _environment.Get(ModelEnvironmentVariables.OpenAICompatibleApiKey) ?? Options.OpenAICompatibleApiKey;
        return OpenAIClient(spec, key, BaseUrl(ModelEnvironmentVariables.OpenAICompatibleBaseUrl, raw),
            new ProviderEndpoint(spec.Provider, ModelEnvironmentVariables.OpenAICompatibleApiKey, ModelEnvironmentVariables.OpenAICompatibleBaseUrl), secrets);
    }

    private (IChatClient, ProviderEndpoint) OpenAIClient(ModelSpec spec, string? key, Uri baseUrl, ProviderEndpoint endpoint, IReadOnlyList<string> secrets)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = baseUrl,
            Transport = new HttpClientPipelineTransport(HttpClientFor(endpoint, secrets)),
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = SdkTimeout,
        };
        // The policy constructor is marked experimental; it is the only way to send no Authorization header at all.
#pragma warning disable OPENAI001
        var chatClient = key is null
            ? new ChatClient(spec.Model, new NoAuthenticationPolicy(), options)
            : new ChatClient(spec.Model, new ApiKeyCredential(key), options);
#pragma warning restore OPENAI001
        return (new CompactToolCallsChatClient(chatClient.AsIChatClient()), endpoint);
    }

    private HttpClient HttpClientFor(ProviderEndpoint endpoint, IReadOnlyList<string> secrets)
    {
        var handler = new ResilienceHandler(endpoint, _pipelines, secrets, _loggerFactory.CreateLogger<ResilienceHandler>())
        {
            InnerHandler = _transport,
        };
        // The transport is shared and owned by the factory, so the client must not dispose it.
        return new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private string RequireKey(ModelSpec spec, string variable) =>
        _environment.Get(variable) ?? throw new ModelConfigurationException(
            $"{spec} needs an API key: set {variable} (or choose another model with {ModelEnvironmentVariables.Model})");

    private static Uri BaseUrl(string variable, string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0)
        {
            return uri;
        }
        var shown = value.Length <= 100 ? value : value[..97] + "...";
        throw new ModelConfigurationException($"{variable} is '{shown}', which is not an http(s) URL: set it to the API's base URL, e.g. https://api.example.com/v1");
    }
}
