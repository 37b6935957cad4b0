namespace Nightshift.Core.Events.Payloads;

/// <summary>A step of a pipeline run will not run.</summary>
/// <param name="Step">the step's name.</param>
/// <param name="Reason">why: its condition was false (quoted with the values it saw), a person rejected it, or the run stopped before it.</param>
public sealed record StepSkippedPayload(string Step, string Reason);
