using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Models.Selection;

/// <summary>Checks the <c>Models</c> section (and <c>Models:Resilience</c>, <c>Models:Prices</c>) when the host starts.</summary>
internal sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        var checks = new SettingChecks()
            .PlainText("Models:Model", options.Model, 1000)
            .PlainText("Models:PlanModel", options.PlanModel, 1000)
            .PlainText("Models:BuildModel", options.BuildModel, 1000)
            .PlainText("Models:OpenAICompatibleApiKey", options.OpenAICompatibleApiKey, 4096)
            .Range("Models:AnthropicMaxOutputTokens", options.AnthropicMaxOutputTokens, 1, 1_000_000)
            .AbsolutePath("Models:RecordTo", options.RecordTo);
        for (var i = 0; i < options.Fallbacks.Count; i++)
        {
            checks.PlainText($"Models:Fallbacks:{i}", options.Fallbacks[i], 1000, required: true);
        }
        if (options.OpenAICompatibleBaseUrl is { } baseUrl
            && (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            checks.Fail("Models:OpenAICompatibleBaseUrl", "is not an http or https URL; give one such as http://127.0.0.1:8000/v1");
        }
        var resilience = options.Resilience;
        if (resilience is null)
        {
            checks.Fail("Models:Resilience", "is empty; remove it to take the defaults");
        }
        else
        {
            checks.Range("Models:Resilience:MaxRetries", resilience.MaxRetries, 0, 20)
                .Range("Models:Resilience:BaseDelay", resilience.BaseDelay, TimeSpan.Zero, TimeSpan.FromMinutes(10))
                .Range("Models:Resilience:MaxDelay", resilience.MaxDelay, resilience.BaseDelay, TimeSpan.FromHours(1))
                .Range("Models:Resilience:MaxRetryAfter", resilience.MaxRetryAfter, TimeSpan.Zero, TimeSpan.FromHours(1))
                .Range("Models:Resilience:DelayScale", resilience.DelayScale, 0, 10)
                .Range("Models:Resilience:CallTimeout", resilience.CallTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(2))
                .Range("Models:Resilience:CircuitMinimumThroughput", resilience.CircuitMinimumThroughput, 2, 10_000)
                .Range("Models:Resilience:CircuitFailureRatio", resilience.CircuitFailureRatio, 0.01, 1)
                .Range("Models:Resilience:CircuitSamplingDuration", resilience.CircuitSamplingDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1))
                .Range("Models:Resilience:CircuitBreakDuration", resilience.CircuitBreakDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1));
        }
        foreach (var (model, price) in options.Prices)
        {
            if (price is null || price.InputPerMillion < 0 || price.CachedInputPerMillion < 0 || price.OutputPerMillion < 0)
            {
                checks.Fail($"Models:Prices:{model}", "needs InputPerMillion, CachedInputPerMillion and OutputPerMillion, each zero or more (US dollars per million tokens)");
            }
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}
