using System.Text.RegularExpressions;

namespace Nightshift.Core.Planning;

/// <summary>
/// Checks the meaning of a plan: ids, sizes, dependencies, hostile characters. Every problem is collected (not only
/// the first) and worded so the model can act on it. Cycles are not an error here: the recovery ladder handles them.
/// </summary>
public static partial class PlanValidator
{
    /// <summary>Every problem in <paramref name="plan"/>; empty when it can be executed (after cycle recovery).</summary>
    public static IReadOnlyList<string> Validate(Plan plan) => Validate(plan, skip: null);

    /// <summary>Whether <paramref name="id"/> is a well-formed subtask id (a short slug, <see cref="PlanLimits.IdPattern"/>).</summary>
    public static bool IsSubtaskId(string? id) => id is { Length: > 0 and <= PlanLimits.MaxIdLength } && IdRegex().IsMatch(id);

    internal static List<string> Validate(Plan plan, ISet<(int Index, string Field)>? skip)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var errors = new List<string>();
        var subtasks = plan.Subtasks ?? [];
        if (subtasks.Count == 0)
        {
            errors.Add("subtasks: the plan has no subtasks; give at least one");
            return errors;
        }
        if (subtasks.Count > PlanLimits.MaxSubtasks)
        {
            errors.Add($"subtasks: the plan has {subtasks.Count} subtasks; at most {PlanLimits.MaxSubtasks} are allowed — merge small steps");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var subtask in subtasks)
        {
            if (subtask?.Id is { Length: > 0 } id && !ids.Add(id))
            {
                duplicates.Add(id);
            }
        }
        foreach (var id in duplicates.Order(StringComparer.Ordinal))
        {
            errors.Add($"subtasks: id '{Show(id)}' is used by more than one subtask; give each subtask its own id");
        }

        for (var i = 0; i < subtasks.Count; i++)
        {
            var s = subtasks[i];
            if (s is null)
            {
                errors.Add($"subtasks[{i}]: is null; give an object with id, title and description");
                continue;
            }
            var at = s.Id is { Length: > 0 and <= PlanLimits.MaxIdLength } && IdRegex().IsMatch(s.Id)
                ? $"subtasks[{i}] ('{s.Id}')"
                : $"subtasks[{i}]";
            bool Check(string field) => skip is null || !skip.Contains((i, field));

            if (Check("id"))
            {
                CheckId(errors, at, s.Id);
            }
            if (Check("title"))
            {
                CheckText(errors, $"{at}.title", s.Title, PlanLimits.MaxTitleLength, allowNewlines: false, "one line saying what the step does");
            }
            if (Check("description"))
            {
                CheckText(errors, $"{at}.description", s.Description, PlanLimits.MaxDescriptionLength, allowNewlines: true, "what to change and why, in a few sentences");
            }
            if (Check("priority") && (s.Priority < PlanLimits.MinPriority || s.Priority > PlanLimits.MaxPriority))
            {
                errors.Add($"{at}.priority: {s.Priority} is out of range; use a whole number from {PlanLimits.MinPriority} to {PlanLimits.MaxPriority} (higher runs first)");
            }
            if (Check("depends_on"))
            {
                CheckDependencies(errors, at, s, ids);
            }
            if (Check("files"))
            {
                CheckFiles(errors, at, s.Files ?? []);
            }
            if (Check("acceptance"))
            {
                var acceptance = s.Acceptance ?? [];
                if (acceptance.Count > PlanLimits.MaxAcceptanceCriteria)
                {
                    errors.Add($"{at}.acceptance: {acceptance.Count} criteria given; at most {PlanLimits.MaxAcceptanceCriteria} are allowed");
                }
                for (var j = 0; j < Math.Min(acceptance.Count, PlanLimits.MaxAcceptanceCriteria); j++)
                {
                    CheckText(errors, $"{at}.acceptance[{j}]", acceptance[j], PlanLimits.MaxAcceptanceLength, allowNewlines: false, "one checkable sentence");
                }
            }
        }
        return errors;
    }

    /// <summary>True for characters that have no place in plan text: C0/C1 controls (except newline and tab where allowed), bidi overrides, NUL.</summary>
    public static bool HasHostileCharacters(string value, bool allowNewlines)
    {
        foreach (var c in value)
        {
            if (c is '\n' or '\t' or '\r' && allowNewlines)
            {
                continue;
            }
            if (char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\uFEFF')
            {
                return true;
            }
        }
        return false;
    }

    private static void CheckId(List<string> errors, string at, string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            errors.Add($"{at}.id: is missing; give a short slug such as 'add-login-form'");
        }
        else if (id.Length > PlanLimits.MaxIdLength)
        {
            errors.Add($"{at}.id: is {id.Length} characters long; use a short slug of at most {PlanLimits.MaxIdLength} characters such as 'add-login-form'");
        }
        else if (!IdRegex().IsMatch(id))
        {
            errors.Add($"{at}.id: '{Show(id)}' is not a short slug; use lowercase letters, digits and single hyphens, starting with a letter, such as 'add-login-form'");
        }
    }

    private static void CheckText(List<string> errors, string at, string? value, int max, bool allowNewlines, string hint)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{at}: is missing or empty; give {hint}");
        }
        else if (value.Length > max)
        {
            errors.Add($"{at}: is {value.Length} characters long; at most {max} are allowed — shorten it");
        }
        else if (HasHostileCharacters(value, allowNewlines))
        {
            errors.Add($"{at}: contains control or direction-override characters; use plain text{(allowNewlines ? "" : " on one line")}");
        }
    }

    private static void CheckDependencies(List<string> errors, string at, Subtask s, HashSet<string> ids)
    {
        var dependsOn = s.DependsOn ?? [];
        if (dependsOn.Count > PlanLimits.MaxDependencies)
        {
            errors.Add($"{at}.depends_on: {dependsOn.Count} entries; at most {PlanLimits.MaxDependencies} are allowed");
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dependency in dependsOn)
        {
            if (string.IsNullOrEmpty(dependency))
            {
                errors.Add($"{at}.depends_on: contains an empty id; list ids of other subtasks");
            }
            else if (string.Equals(dependency, s.Id, StringComparison.Ordinal))
            {
                errors.Add($"{at}.depends_on: the subtask depends on itself; remove '{Show(dependency)}' from its depends_on");
            }
            else if (!ids.Contains(dependency))
            {
                errors.Add($"{at}.depends_on: '{Show(dependency)}' is not the id of any subtask in this plan; known ids: {KnownIds(ids)}");
            }
            else if (!seen.Add(dependency))
            {
                errors.Add($"{at}.depends_on: '{Show(dependency)}' is listed twice; list each dependency once");
            }
        }
    }

    private static void CheckFiles(List<string> errors, string at, IReadOnlyList<string> files)
    {
        if (files.Count > PlanLimits.MaxFiles)
        {
            errors.Add($"{at}.files: {files.Count} paths given; at most {PlanLimits.MaxFiles} are allowed — list the main ones");
            return;
        }
        for (var j = 0; j < files.Count; j++)
        {
            var file = files[j];
            if (string.IsNullOrWhiteSpace(file))
            {
                errors.Add($"{at}.files[{j}]: is empty; give a path relative to the repository root such as src/app.js");
            }
            else if (file.Length > PlanLimits.MaxFilePathLength || HasHostileCharacters(file, allowNewlines: false))
            {
                errors.Add($"{at}.files[{j}]: is not a usable path; give a path of at most {PlanLimits.MaxFilePathLength} plain characters");
            }
            else if (file.StartsWith('/') || file.StartsWith('~') || file.Split('/', '\\').Contains(".."))
            {
                errors.Add($"{at}.files[{j}]: '{Show(file)}' is not inside the repository; give a path relative to the repository root without '..'");
            }
        }
    }

    private static string KnownIds(HashSet<string> ids)
    {
        var shown = ids.Order(StringComparer.Ordinal).Where(i => i.Length <= PlanLimits.MaxIdLength && IdRegex().IsMatch(i)).Take(PlanLimits.MaxSubtasks).Select(i => $"'{Show(i)}'");
        return string.Join(", ", shown);
    }

    /// <summary>Text from the model quoted back to it, clipped and with control characters made visible.</summary>
    internal static string Show(string value)
    {
        var clipped = value.Length <= 60 ? value : value[..60] + "…";
        return string.Concat(clipped.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }

    // \z, not $: .NET lets $ match before a trailing newline.
    [GeneratedRegex(@"^[a-z][a-z0-9]*(-[a-z0-9]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();
}
