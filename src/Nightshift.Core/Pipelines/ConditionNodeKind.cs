namespace Nightshift.Core.Pipelines;

internal enum ConditionNodeKind
{
    Literal,
    Reference,
    Not,
    And,
    Or,
    Compare,
}
