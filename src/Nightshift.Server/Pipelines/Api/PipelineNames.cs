using System.Text.RegularExpressions;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>
/// The names the API accepts before a store or a repository sees them: a pipeline's name becomes a file name
/// (<c>.nightshift/pipelines/NAME.yml</c>) on the coordinator's side, so nothing but the definition format's own
/// characters ever passes; run ids and step names are checked for shape so a hostile one is a plain 404.
/// </summary>
internal static partial class PipelineNames
{
    public const int MaxNameLength = 64;
    public const int MaxRunIdLength = 64;

    /// <summary>Lowercase letters, digits, '-' and '_', starting with a letter, at most 64 characters (as in the YAML).</summary>
    public static bool IsPipelineName(string? name) => name is { Length: > 0 and <= MaxNameLength } && Name().IsMatch(name);

    /// <summary>The same rule for step names.</summary>
    public static bool IsStepName(string? name) => IsPipelineName(name);

    /// <summary>An input's name: letters, digits, '-' and '_', starting with a letter, at most 64 characters.</summary>
    public static bool IsInputName(string? name) => name is { Length: > 0 and <= MaxNameLength } && Input().IsMatch(name);

    /// <summary>Letters, digits, '-' and '_' only: anything else cannot be a run id this server handed out.</summary>
    public static bool LooksLikeRunId(string? id) => id is { Length: > 0 and <= MaxRunIdLength } && RunId().IsMatch(id) && Core.Tasks.TaskId.LooksValid(id);

    /// <summary>A value for an error message: control characters replaced, at most 64 characters.</summary>
    public static string Clip(string? value)
    {
        var clean = new string((value ?? "").Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length <= 64 ? clean : clean[..64] + "…";
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Name();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Input();

    [GeneratedRegex("^[A-Za-z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex RunId();
}
