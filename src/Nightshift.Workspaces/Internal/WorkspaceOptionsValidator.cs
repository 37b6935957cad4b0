using Microsoft.Extensions.Options;

namespace Nightshift.Workspaces.Internal;

internal sealed class WorkspaceOptionsValidator : IValidateOptions<WorkspaceOptions>
{
    /// <summary>Each spare is a whole checkout on disk; more than a few per repository only costs space.</summary>
    public const int MaxSpareWorktrees = 8;

    public ValidateOptionsResult Validate(string? name, WorkspaceOptions options)
    {
        if (options.SpareWorktrees is < 0 or > MaxSpareWorktrees)
        {
            return ValidateOptionsResult.Fail(
                $"Workspaces:SpareWorktrees must be between 0 (off) and {MaxSpareWorktrees}; it is {options.SpareWorktrees}");
        }
        return ValidateOptionsResult.Success;
    }
}
