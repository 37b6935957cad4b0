using Nightshift.Core.Errors;

namespace Nightshift.Core.Pipelines;

/// <summary>A template or condition that does not parse, or cannot be evaluated with the values at hand; the message says why.</summary>
public sealed class PipelineExpressionException(string message, int column = 0) : NightshiftException(message)
{
    /// <summary>1-based column in the expression's text; 0 when not tied to one.</summary>
    public int Column { get; } = column;
}
