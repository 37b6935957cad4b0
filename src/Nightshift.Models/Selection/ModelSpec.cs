using System.Diagnostics.CodeAnalysis;
using Nightshift.Models.Errors;

namespace Nightshift.Models.Selection;

/// <summary>
/// A model named as <c>provider/model</c>, e.g. <c>openai/gpt-4.1</c>, <c>anthropic/claude-sonnet-4-5</c>,
/// <c>ollama/qwen2.5-coder:7b</c>, <c>replay/sessions/demo.jsonl</c>. Only the first slash separates: model names
/// and replay paths may contain more.
/// </summary>
public sealed record ModelSpec
{
    private const int MaxModelLength = 200;
    private const int MaxPathLength = 4096;

    public ModelSpec(string provider, string model)
    {
        Provider = provider;
        Model = model;
    }

    public string Provider { get; }

    public string Model { get; }

    /// <summary>For <c>replay/…</c>: the cassette's path.</summary>
    public bool IsReplay => Provider == ModelProviders.Replay;

    public override string ToString() => $"{Provider}/{Model}";

    /// <summary>Parses <paramref name="value"/> or throws a <see cref="ModelConfigurationException"/> that says how to write it.</summary>
    public static ModelSpec Parse(string? value)
    {
        if (TryParse(value, out var spec, out var error))
        {
            return spec;
        }
        throw new ModelConfigurationException(error);
    }

    public static bool TryParse(string? value, [NotNullWhen(true)] out ModelSpec? spec, [NotNullWhen(false)] out string? error)
    {
        spec = null;
        var known = string.Join(", ", ModelProviders.All);
        if (string.IsNullOrWhiteSpace(value))
        {
            error = $"no model given: write it as provider/model, e.g. openai/gpt-4.1 (providers: {known})";
            return false;
        }
        var text = value.Trim();
        var shown = Shorten(text);
        if (text.Length > MaxPathLength + 32)
        {
            error = $"model '{shown}' is too long ({text.Length} characters): write it as provider/model";
            return false;
        }
        if (text.Any(char.IsControl))
        {
            error = $"model '{Shorten(new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]))}' contains control characters: write it as provider/model";
            return false;
        }
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            error = $"model '{shown}' has no provider: write it as provider/model, e.g. openai/{shown} (providers: {known})";
            return false;
        }
        var provider = text[..slash].Trim().ToLowerInvariant();
        var model = text[(slash + 1)..].Trim();
        if (provider.Length == 0)
        {
            error = $"model '{shown}' has no provider before the slash: write it as provider/model (providers: {known})";
            return false;
        }
        if (!ModelProviders.All.Contains(provider))
        {
            error = $"unknown model provider '{Shorten(provider)}' in '{shown}': use one of {known}";
            return false;
        }
        if (model.Length == 0)
        {
            error = provider == ModelProviders.Replay
                ? $"model '{shown}' names no cassette: write replay/<path to a .jsonl recording>"
                : $"model '{shown}' names no model after the slash: write it as {provider}/<model>";
            return false;
        }
        if (provider != ModelProviders.Replay)
        {
            if (model.Length > MaxModelLength)
            {
                error = $"model name in '{shown}' is too long ({model.Length} characters, at most {MaxModelLength})";
                return false;
            }
            if (model.Any(char.IsWhiteSpace))
            {
                error = $"model name in '{shown}' contains spaces: model names never do (check the quoting)";
                return false;
            }
        }
        spec = new ModelSpec(provider, model);
        error = null;
        return true;
    }

    /// <summary>Parses a comma-separated chain (first = primary, rest = fallbacks in order).</summary>
    public static IReadOnlyList<ModelSpec> ParseChain(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ModelConfigurationException("no model given: write provider/model, or several separated by commas (e.g. openai/gpt-4.1,anthropic/claude-sonnet-4-5)");
        }
        return [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Parse)];
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
