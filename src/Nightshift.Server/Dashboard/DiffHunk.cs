namespace Nightshift.Server.Dashboard;

internal sealed record DiffHunk(string Header, IReadOnlyList<DiffLine> Lines);
