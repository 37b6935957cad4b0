using Nightshift.Bench.Fleet.Contracts;

namespace Nightshift.Bench.Fleet.Workload;

/// <summary>
/// The zero-latency scripted model of a run (OpenAI protocol on 127.0.0.1): answers each request by the task marker and
/// subtask it names, never by call order; stamps every tool call it answers with <c>{worker}#{number}</c>; logs every
/// request as a <see cref="ModelCall"/>; injects the model faults on demand.
/// </summary>
public sealed class FleetModel : IAsyncDisposable
{
    /// <summary>What <c>NIGHTSHIFT_MODEL</c> is set to for every process of the run.</summary>
    public const string ModelName = "openai/gpt-4.1";

    /// <summary>What <c>OPENAI_API_KEY</c> is set to (an obviously fake key).</summary>
    public const string ApiKey = "sk-fleet-harness-not-a-real-key";

    private FleetModel()
    {
    }

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<ModelCall> Calls => throw new NotImplementedException();

    public static Task<FleetModel> StartAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Tells the model what to answer for these tasks (their plans, files, and the scripted failure of ModelFailure tasks).</summary>
    public void Register(IEnumerable<FleetTaskSpec> specs) => throw new NotImplementedException();

    /// <summary>The <c>OPENAI_BASE_URL</c> for a worker (or <c>api</c> for the server): <c>http://127.0.0.1:PORT/{label}/v1/</c>.</summary>
    public Uri BaseUriFor(string label) => throw new NotImplementedException();

    /// <summary>From now until <paramref name="duration"/> has passed, answers 429 (with Retry-After) and 500 alternately.</summary>
    public void BeginErrors(TimeSpan duration) => throw new NotImplementedException();

    /// <summary>From now until <paramref name="duration"/> has passed, requests get no answer (held, then the connection is dropped when the hang ends).</summary>
    public void BeginHang(TimeSpan duration) => throw new NotImplementedException();

    /// <summary>Ends any model fault now.</summary>
    public void EndFaults() => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
