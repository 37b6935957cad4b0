namespace Nightshift.Core.Events.Payloads;

/// <summary>A pipeline run started (the first event of a run's log).</summary>
/// <param name="Pipeline">the pipeline's name.</param>
/// <param name="Repo">the repository the run works on.</param>
/// <param name="Branch">the run's branch, which every step continues.</param>
/// <param name="Trigger">what started it: api, cli, dashboard, schedule or forge.</param>
/// <param name="Inputs">the inputs it was given (names and values).</param>
public sealed record RunStartedPayload(string Pipeline, string Repo, string Branch, string Trigger, IReadOnlyDictionary<string, string> Inputs);
