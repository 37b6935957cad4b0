namespace Nightshift.Core.Pipelines;

internal enum ExpressionValueKind
{
    Null,
    Boolean,
    Number,
    String,
    Object,
    Array,
}
