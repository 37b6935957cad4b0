namespace Nightshift.Server.Tests.Pipelines;

/// <summary>How <see cref="StepScriptExecutor"/> ends one step's task.</summary>
internal sealed record StepScript(string? Output = null, int ExitCode = 0, bool Pushed = false, bool NeedsReview = false);
