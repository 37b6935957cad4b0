namespace Nightshift.Server.Dashboard;

/// <summary>A line of a hunk: <see cref="Kind"/> is '+', '-' or ' '.</summary>
internal sealed record DiffLine(char Kind, string Text);
