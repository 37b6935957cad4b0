using Microsoft.Extensions.Options;
using Nightshift.Core.Configuration;

namespace Nightshift.Server.Webhooks;

/// <summary>Checks the shared <c>Webhooks</c> settings when the host starts.</summary>
internal sealed class TriggerOptionsValidator : IValidateOptions<TriggerOptions>
{
    public ValidateOptionsResult Validate(string? name, TriggerOptions options)
    {
        var checks = new SettingChecks()
            .Range("Webhooks:MaxFixRounds", options.MaxFixRounds, 0, 20)
            .Range("Webhooks:PermissionCacheSeconds", options.PermissionCacheSeconds, 0, 3600);
        if (string.IsNullOrEmpty(options.CommandWord) || options.CommandWord.Length > 40
            || !options.CommandWord.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            checks.Fail("Webhooks:CommandWord", "must be one word of 1 to 40 letters, digits, - or _ (the word after the slash in a /nightshift comment)");
        }
        return checks.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(checks.Failures);
    }
}
