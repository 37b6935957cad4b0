using Microsoft.Extensions.Options;

namespace Nightshift.Server.Workers;

/// <summary>Refuses worker and queue settings that cannot work, at start, naming the setting and what to give instead.</summary>
internal sealed class WorkerSettingsValidator : IValidateOptions<WorkerSettings>, IValidateOptions<QueueSettings>
{
    private static readonly TimeSpan MaxDeadline = TimeSpan.FromDays(7);

    public ValidateOptionsResult Validate(string? name, WorkerSettings options)
    {
        var problems = new List<string>();
        if (options.TaskDeadline < TimeSpan.FromSeconds(1) || options.TaskDeadline > MaxDeadline)
        {
            problems.Add($"Worker:TaskDeadline is {options.TaskDeadline}; give a time from 00:00:01 to 7.00:00:00 (the default is 02:00:00)");
        }
        if (options.StallTimeout != TimeSpan.Zero && (options.StallTimeout < TimeSpan.FromSeconds(1) || options.StallTimeout > MaxDeadline))
        {
            problems.Add($"Worker:StallTimeout is {options.StallTimeout}; give 00:00:00 to turn the check off, or a time from 00:00:01 to 7.00:00:00 (the default is 00:20:00)");
        }
        if (options.StopGrace < TimeSpan.Zero || options.StopGrace > TimeSpan.FromHours(1))
        {
            problems.Add($"Worker:StopGrace is {options.StopGrace}; give a time from 00:00:00 to 01:00:00 (the default is 00:00:30)");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public ValidateOptionsResult Validate(string? name, QueueSettings options)
    {
        var problems = new List<string>();
        if (options.MaxRunningTasks is < 1 or > 100_000)
        {
            problems.Add($"Queue:MaxRunningTasks is {options.MaxRunningTasks}; give a number from 1 to 100000, or leave it out for no cap");
        }
        if (options.MaxRunningTasksPerRepository is < 1 or > 100_000)
        {
            problems.Add($"Queue:MaxRunningTasksPerRepository is {options.MaxRunningTasksPerRepository}; give a number from 1 to 100000, or leave it out for no cap");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
