namespace Nightshift.Core.Pipelines;

/// <summary>Evaluates a parsed condition; a value of the wrong kind for its operator is an error naming it.</summary>
internal sealed class ConditionInterpreter(PipelineValues values)
{
    public bool Truth(ConditionNode node, string role)
    {
        var value = Value(node);
        if (value.Kind != ExpressionValueKind.Boolean)
        {
            throw new PipelineExpressionException($"{role} needs true or false, but {Name(node)} is {value.Describe()}; compare it, as in {Example(node)}", node.Column);
        }
        return value.Boolean;
    }

    private ExpressionValue Value(ConditionNode node) => node.Kind switch
    {
        ConditionNodeKind.Literal => node.Literal!,
        ConditionNodeKind.Reference => ValueResolver.Resolve(node.Reference!, values),
        ConditionNodeKind.Not => ExpressionValue.Of(!Truth(node.Left!, $"'{node.Operator}'")),
        ConditionNodeKind.And => ExpressionValue.Of(Truth(node.Left!, $"'{node.Operator}'") && Truth(node.Right!, $"'{node.Operator}'")),
        ConditionNodeKind.Or => ExpressionValue.Of(Truth(node.Left!, $"'{node.Operator}'") || Truth(node.Right!, $"'{node.Operator}'")),
        _ => Compare(node),
    };

    private ExpressionValue Compare(ConditionNode node)
    {
        var left = Value(node.Left!);
        var right = Value(node.Right!);
        foreach (var (side, value) in new[] { (node.Left!, left), (node.Right!, right) })
        {
            if (value.Kind is ExpressionValueKind.Object or ExpressionValueKind.Array)
            {
                throw new PipelineExpressionException($"'{node.Operator}' compares numbers, strings, booleans and null, but {Name(side)} is {value.Describe()}; name one key inside it", side.Column);
            }
        }
        return node.Operator switch
        {
            "==" => ExpressionValue.Of(Equal(left, right)),
            "!=" => ExpressionValue.Of(!Equal(left, right)),
            _ => ExpressionValue.Of(Order(node, left, right)),
        };
    }

    private static bool Equal(ExpressionValue left, ExpressionValue right)
    {
        if (left.Kind == ExpressionValueKind.Null || right.Kind == ExpressionValueKind.Null)
        {
            return left.Kind == right.Kind;
        }
        if ((left.Kind == ExpressionValueKind.Number || right.Kind == ExpressionValueKind.Number)
            && left.TryNumber(out var a) && right.TryNumber(out var b))
        {
            return a.Equals(b);
        }
        if (left.Kind != right.Kind)
        {
            return false;
        }
        return left.Kind switch
        {
            ExpressionValueKind.Boolean => left.Boolean == right.Boolean,
            ExpressionValueKind.String => string.Equals(left.Text, right.Text, StringComparison.Ordinal),
            _ => false,
        };
    }

    private static bool Order(ConditionNode node, ExpressionValue left, ExpressionValue right)
    {
        int comparison;
        if (left.Kind == ExpressionValueKind.String && right.Kind == ExpressionValueKind.String)
        {
            comparison = string.CompareOrdinal(left.Text, right.Text);
        }
        else if (left.TryNumber(out var a) && right.TryNumber(out var b)
            && (left.Kind == ExpressionValueKind.Number || right.Kind == ExpressionValueKind.Number))
        {
            comparison = a.CompareTo(b);
        }
        else
        {
            var blameRight = left.Kind == ExpressionValueKind.Number
                ? left.TryNumber(out _)
                : right.Kind != ExpressionValueKind.Number && left.Kind == ExpressionValueKind.String;
            var (side, value) = blameRight ? (node.Right!, right) : (node.Left!, left);
            throw new PipelineExpressionException(
                $"'{node.Operator}' orders numbers (or two strings), but {Name(side)} is {value.Describe()}" +
                (value.Kind == ExpressionValueKind.Null ? "; check it first, as in x != null and x > 0" : ""), side.Column);
        }
        return node.Operator switch
        {
            "<" => comparison < 0,
            "<=" => comparison <= 0,
            ">" => comparison > 0,
            _ => comparison >= 0,
        };
    }

    private static string Name(ConditionNode node) => node.Kind switch
    {
        ConditionNodeKind.Reference => node.Reference!.ToString(),
        ConditionNodeKind.Literal => "the value",
        _ => "it",
    };

    private static string Example(ConditionNode node) =>
        node.Kind == ConditionNodeKind.Reference ? $"{node.Reference} == 'yes'" : "x == 'yes'";
}
