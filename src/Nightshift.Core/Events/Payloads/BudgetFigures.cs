namespace Nightshift.Core.Events.Payloads;

/// <summary>The budget a task stopped at, and what had been spent against it.</summary>
/// <param name="Kind"><c>task</c> (the organisation's limit per task), <c>day</c> (its spend since 00:00 UTC) or <c>month</c> (since the first of the month, 00:00 UTC).</param>
/// <param name="LimitUsd">the limit, in US dollars.</param>
/// <param name="SpentUsd">what had been spent when the next model call was about to be made, in US dollars.</param>
public sealed record BudgetFigures(string Kind, decimal LimitUsd, decimal SpentUsd);
