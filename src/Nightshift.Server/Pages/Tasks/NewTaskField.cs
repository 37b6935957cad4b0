namespace Nightshift.Server.Pages.Tasks;

internal sealed record NewTaskField(string Name, string Label, string? Hint);
