namespace Nightshift.Core.Pipelines;

internal enum ConditionTokenKind
{
    Number,
    String,
    True,
    False,
    Null,
    Reference,
    And,
    Or,
    Not,
    Compare,
    OpenParen,
    CloseParen,
    End,
}
