using Microsoft.Extensions.Options;
using Nightshift.Forges;

namespace Nightshift.Server.Webhooks.Reconciliation;

internal sealed class ReconcileOptionsValidator : IValidateOptions<ReconcileOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcileOptions options)
    {
        var problems = new List<string>();
        if (options.ReconcileMinutes is < 0 or > ReconcileOptions.MaxMinutes)
        {
            problems.Add($"Webhooks:ReconcileMinutes is {options.ReconcileMinutes}: give the minutes between reconciliation rounds, 1 to {ReconcileOptions.MaxMinutes}, or 0 to turn it off");
        }
        if (options.ReconcileLookbackMinutes is < 1 or > ReconcileOptions.MaxLookbackMinutes)
        {
            problems.Add($"Webhooks:ReconcileLookbackMinutes is {options.ReconcileLookbackMinutes}: give how far back the first round looks, 1 to {ReconcileOptions.MaxLookbackMinutes} minutes");
        }
        foreach (var (forge, entry) in new[] { ("GitHub", options.GitHub), ("GitLab", options.GitLab), ("Gitea", options.Gitea) })
        {
            var repositories = entry?.Repositories ?? [];
            if (repositories.Count > ReconcileOptions.MaxRepositories)
            {
                problems.Add($"Webhooks:{forge}:Repositories lists {repositories.Count} repositories: at most {ReconcileOptions.MaxRepositories}");
            }
            for (var i = 0; i < repositories.Count; i++)
            {
                if (ForgeRepository.TryParse(repositories[i]) is null)
                {
                    problems.Add($"Webhooks:{forge}:Repositories:{i} is not a repository address: give its clone address, e.g. https://host/owner/name.git");
                }
            }
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
