using Nightshift.Core.Usage;

namespace Nightshift.Server.Api;

/// <summary>The model calls made for one plan subtask (its <c>id</c> as in the plan), over every attempt.</summary>
public sealed record SubtaskUsageView(string Id, UsageTotals Usage);
