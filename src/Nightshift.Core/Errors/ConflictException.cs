namespace Nightshift.Core.Errors;

/// <summary>What was asked for clashes with something that exists (HTTP 409): an organisation id taken, an identity already linked.</summary>
/// <param name="field">the request field whose value clashes, for the problem's errors.</param>
public sealed class ConflictException(string field, string message) : NightshiftException(message)
{
    public string Field { get; } = field;
}
