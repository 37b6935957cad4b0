namespace Nightshift.Core.Planning;

/// <summary>Either a usable plan or every problem found in what the model submitted.</summary>
public sealed record PlanParseResult(Plan? Plan, IReadOnlyList<string> Errors)
{
    public bool IsValid => Plan is not null && Errors.Count == 0;

    /// <summary>The errors as one message to send back to the model so it can submit a corrected plan.</summary>
    public string ErrorReport() => Errors.Count == 0
        ? "the plan is valid"
        : $"the plan was rejected ({Errors.Count} problem{(Errors.Count == 1 ? "" : "s")}); fix all of them and call submit_plan again:\n"
            + string.Join('\n', Errors.Select(e => "- " + e));
}
