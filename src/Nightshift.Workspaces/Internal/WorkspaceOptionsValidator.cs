using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Workspaces.Internal;

/// <summary>Checks the <c>Workspaces</c> section when the host starts.</summary>
internal sealed class WorkspaceOptionsValidator : IValidateOptions<WorkspaceOptions>
{
    /// <summary>Each spare is a whole checkout on disk; more than a few per repository only costs space.</summary>
    public const int MaxSpareWorktrees = 8;

    public ValidateOptionsResult Validate(string? name, WorkspaceOptions options)
    {
        var checks = new SettingChecks()
            .AbsolutePath("Workspaces:DataDirectory", options.DataDirectory)
            .PlainText("Workspaces:GitExecutable", options.GitExecutable, 4096, required: true)
            .PlainText("Workspaces:AuthorName", options.AuthorName, 200, required: true)
            .PlainText("Workspaces:AuthorEmail", options.AuthorEmail, 200, required: true)
            .Range("Workspaces:FailedWorktreeRetention", options.FailedWorktreeRetention, TimeSpan.Zero, TimeSpan.FromDays(365))
            .Range("Workspaces:AbandonedWorktreeRetention", options.AbandonedWorktreeRetention, TimeSpan.FromMinutes(1), TimeSpan.FromDays(365))
            .Range("Workspaces:MirrorDiskBudgetBytes", options.MirrorDiskBudgetBytes, 0, long.MaxValue)
            .Range("Workspaces:CollectInterval", options.CollectInterval, TimeSpan.Zero, TimeSpan.FromDays(7))
            .Range("Workspaces:GitTimeout", options.GitTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1))
            .Range("Workspaces:MaxParkedWorktrees", options.MaxParkedWorktrees, 0, 64)
            .Range("Workspaces:SpareWorktrees", options.SpareWorktrees, 0, MaxSpareWorktrees)
            .Range("Workspaces:CheckoutWorkers", options.CheckoutWorkers, 0, 128)
            .AbsolutePath("Workspaces:SshKnownHostsFile", options.SshKnownHostsFile);
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}
