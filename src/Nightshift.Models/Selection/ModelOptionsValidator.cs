using Microsoft.Extensions.Options;
using Nightshift.Models.Errors;
using Nightshift.Models.Resilience;

namespace Nightshift.Models.Selection;

/// <summary>
/// Refuses a <c>Models</c> section that would fail mid-task, at start and with the setting's name: model strings that
/// do not parse, resilience values the retry and circuit machinery cannot take, a compatible base URL that is not
/// http(s), negative prices.
/// </summary>
public sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    private const string Where = "set it in appsettings.json under \"Models\" or as an environment variable (NIGHTSHIFT__Models__<Name>)";

    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        CheckChain(errors, "Models:Model", options.Model);
        CheckChain(errors, "Models:PlanModel", options.PlanModel);
        CheckChain(errors, "Models:BuildModel", options.BuildModel);
        for (var i = 0; i < options.Fallbacks.Count; i++)
        {
            CheckChain(errors, $"Models:Fallbacks:{i}", options.Fallbacks[i]);
        }
        if (options.OpenAICompatibleBaseUrl is { } url && !IsHttpUrl(url))
        {
            errors.Add($"Models:OpenAICompatibleBaseUrl is '{Shorten(url)}', which is not an http(s) URL: write the server's base URL, e.g. http://127.0.0.1:8000/v1; {Where}");
        }
        if (options.AnthropicMaxOutputTokens is < 1 or > 1_000_000)
        {
            errors.Add($"Models:AnthropicMaxOutputTokens is {options.AnthropicMaxOutputTokens}: use a number from 1 to 1000000 (default 8192); {Where}");
        }
        CheckPath(errors, "Models:RecordTo", options.RecordTo);
        CheckPath(errors, "Models:ReplayDirectory", options.ReplayDirectory);
        foreach (var (model, price) in options.Prices)
        {
            if (price is null || price.InputPerMillion < 0 || price.CachedInputPerMillion < 0 || price.OutputPerMillion < 0)
            {
                errors.Add($"Models:Prices:{Shorten(model)} needs InputPerMillion, CachedInputPerMillion and OutputPerMillion, none negative (US dollars per million tokens); {Where}");
            }
        }
        CheckResilience(errors, options.Resilience);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckResilience(List<string> errors, ModelResilienceOptions? r)
    {
        if (r is null)
        {
            errors.Add($"Models:Resilience is empty: leave it out for the defaults; {Where}");
            return;
        }
        void Range(string setting, bool ok, string allowed)
        {
            if (!ok)
            {
                errors.Add($"Models:Resilience:{setting} is out of range: {allowed}; {Where}");
            }
        }
        Range("MaxRetries", r.MaxRetries is >= 0 and <= 20, $"it is {r.MaxRetries}, use 0 to 20 (default 4)");
        Range("BaseDelay", r.BaseDelay >= TimeSpan.Zero && r.BaseDelay <= TimeSpan.FromMinutes(10), $"it is {r.BaseDelay}, use 00:00:00 to 00:10:00 (default 00:00:01)");
        Range("MaxDelay", r.MaxDelay >= r.BaseDelay && r.MaxDelay <= TimeSpan.FromHours(1), $"it is {r.MaxDelay}, use BaseDelay to 01:00:00 (default 00:00:30)");
        Range("MaxRetryAfter", r.MaxRetryAfter >= TimeSpan.Zero && r.MaxRetryAfter <= TimeSpan.FromHours(1), $"it is {r.MaxRetryAfter}, use 00:00:00 to 01:00:00 (default 00:02:00)");
        Range("DelayScale", r.DelayScale is >= 0 and <= 100 && !double.IsNaN(r.DelayScale), $"it is {r.DelayScale}, use 0 to 100 (default 1)");
        Range("CallTimeout", r.CallTimeout >= TimeSpan.FromMilliseconds(10) && r.CallTimeout <= TimeSpan.FromHours(24), $"it is {r.CallTimeout}, use 00:00:00.010 to 24:00:00 (default 00:03:00)");
        Range("CircuitMinimumThroughput", r.CircuitMinimumThroughput >= 2, $"it is {r.CircuitMinimumThroughput}, use 2 or more (default 8)");
        Range("CircuitFailureRatio", r.CircuitFailureRatio is > 0 and <= 1, $"it is {r.CircuitFailureRatio}, use a ratio above 0 up to 1 (default 0.9)");
        Range("CircuitSamplingDuration", r.CircuitSamplingDuration >= TimeSpan.FromMilliseconds(500) && r.CircuitSamplingDuration <= TimeSpan.FromDays(1), $"it is {r.CircuitSamplingDuration}, use 00:00:00.5 to 1.00:00:00 (default 00:01:00)");
        Range("CircuitBreakDuration", r.CircuitBreakDuration >= TimeSpan.FromMilliseconds(500) && r.CircuitBreakDuration <= TimeSpan.FromDays(1), $"it is {r.CircuitBreakDuration}, use 00:00:00.5 to 1.00:00:00 (default 00:00:30)");
    }

    private static void CheckChain(List<string> errors, string setting, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }
        try
        {
            _ = ModelSpec.ParseChain(value);
        }
        catch (ModelConfigurationException exception)
        {
            errors.Add($"{setting}: {exception.Message}; {Where}");
        }
    }

    private static void CheckPath(List<string> errors, string setting, string? value)
    {
        if (value is not null && (string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl) || value.Length > 4096))
        {
            errors.Add($"{setting} is not a usable path (empty, too long or with control characters): write a folder or file path, or leave it out; {Where}");
        }
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0;

    private static string Shorten(string text)
    {
        var clean = new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length <= 80 ? clean : clean[..77] + "...";
    }
}
