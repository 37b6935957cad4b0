using Nightshift.Core.Events;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Execution;
using Nightshift.Core.Serialization;
using Nightshift.Models.Fallback;

namespace Nightshift.Agent.Execution;

/// <summary>A switch to a fallback model, reported on the task's event stream.</summary>
internal static class ModelFallbackEvents
{
    public static Action<ModelFallback> Emitter(ITaskRun run) => fallback => _ = run.EmitAsync(EventTypes.ModelFallback, NightshiftJson.Payload(new ModelFallbackPayload(
        fallback.From.ToString(), fallback.To.ToString(), fallback.Kind.ToString(), fallback.Reason)), CancellationToken.None);
}
