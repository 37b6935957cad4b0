using System.Diagnostics;
using Microsoft.Extensions.AI;
using Nightshift.Core.Telemetry;
using Nightshift.Models.Selection;

namespace Nightshift.Models.Usage;

/// <summary>
/// Sits just inside the OpenTelemetry middleware: prices each response, adds the cost to the model call's span (the
/// GenAI conventions carry tokens but no cost) and counts tokens and cost per model on Nightshift's meter.
/// </summary>
internal sealed class UsageTelemetryChatClient(IChatClient inner, UsageMeter meter, ModelSpec requested, string sourceName) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        Record(response.Usage, response);
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        UsageDetails? usage = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            foreach (var content in update.Contents.OfType<UsageContent>())
            {
                usage ??= new UsageDetails();
                usage.Add(content.Details);
            }
            yield return update;
        }
        Record(usage, null);
    }

    private void Record(UsageDetails? usage, ChatResponse? response)
    {
        if (usage is null)
        {
            return;
        }
        var record = response is null ? meter.Measure(usage, requested) : meter.Measure(response, requested);
        var model = new KeyValuePair<string, object?>("model", $"{record.Provider}/{record.Model}");
        NightshiftInstruments.ModelTokens.Add(record.InputTokens - record.CachedTokens, model, new KeyValuePair<string, object?>("type", "input"));
        NightshiftInstruments.ModelTokens.Add(record.CachedTokens, model, new KeyValuePair<string, object?>("type", "cached"));
        NightshiftInstruments.ModelTokens.Add(record.OutputTokens, model, new KeyValuePair<string, object?>("type", "output"));
        if (record.CostUsd is { } cost)
        {
            NightshiftInstruments.ModelCost.Add((double)cost, model);
        }
        // Only the model call's own span: with no listener on the model source, Current is the caller's span.
        if (Activity.Current is { } span && span.Source.Name == sourceName && record.CostUsd is { } known)
        {
            span.SetTag(NightshiftActivities.CostTag, (double)known);
        }
    }
}
