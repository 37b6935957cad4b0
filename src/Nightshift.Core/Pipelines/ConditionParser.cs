namespace Nightshift.Core.Pipelines;

/// <summary>
/// Recursive descent over <see cref="ConditionLexer"/>'s tokens. Precedence, loosest first: or, and, not, comparison,
/// so <c>not a == b and c or d</c> reads <c>((not (a == b)) and c) or d</c>. Comparisons do not chain.
/// </summary>
internal sealed class ConditionParser(List<ConditionToken> tokens)
{
    private int position;
    private int depth;

    public static ConditionNode Parse(string text)
    {
        var parser = new ConditionParser(ConditionLexer.Tokenize(text));
        if (parser.Peek.Kind == ConditionTokenKind.End)
        {
            throw new PipelineExpressionException("the condition is empty; write one such as steps.lint.output.error_count > 0, or leave 'condition' out", parser.Peek.Column);
        }
        var node = parser.Or();
        var rest = parser.Peek;
        if (rest.Kind != ConditionTokenKind.End)
        {
            throw new PipelineExpressionException(rest.Kind == ConditionTokenKind.CloseParen
                ? "')' closes nothing; remove it or add the '(' it belongs to"
                : $"unexpected '{YamlTreeReader.Clip(rest.Text, 40)}' after a complete condition; join conditions with 'and' or 'or'", rest.Column);
        }
        return node;
    }

    private ConditionToken Peek => tokens[position];

    private ConditionToken Next() => tokens[position++];

    private ConditionNode Or()
    {
        Enter();
        var left = And();
        while (Peek.Kind == ConditionTokenKind.Or)
        {
            var op = Next();
            left = new ConditionNode(ConditionNodeKind.Or, op.Column) { Operator = op.Text, Left = left, Right = And() };
        }
        depth--;
        return left;
    }

    private ConditionNode And()
    {
        var left = Not();
        while (Peek.Kind == ConditionTokenKind.And)
        {
            var op = Next();
            left = new ConditionNode(ConditionNodeKind.And, op.Column) { Operator = op.Text, Left = left, Right = Not() };
        }
        return left;
    }

    private ConditionNode Not()
    {
        if (Peek.Kind != ConditionTokenKind.Not)
        {
            return Comparison();
        }
        var op = Next();
        Enter();
        var operand = Not();
        depth--;
        return new ConditionNode(ConditionNodeKind.Not, op.Column) { Operator = op.Text, Left = operand };
    }

    private ConditionNode Comparison()
    {
        var left = Primary();
        if (Peek.Kind != ConditionTokenKind.Compare)
        {
            return left;
        }
        var op = Next();
        var right = Primary();
        if (Peek.Kind == ConditionTokenKind.Compare)
        {
            throw new PipelineExpressionException($"comparisons do not chain; write two joined by 'and' (a {op.Text} b and b {Peek.Text} c)", Peek.Column);
        }
        return new ConditionNode(ConditionNodeKind.Compare, op.Column) { Operator = op.Text, Left = left, Right = right };
    }

    private ConditionNode Primary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case ConditionTokenKind.Number:
                return Literal(token, ExpressionValue.OfNumber(token.Number, token.Text));
            case ConditionTokenKind.String:
                return Literal(token, ExpressionValue.OfString(token.Text));
            case ConditionTokenKind.True:
                return Literal(token, ExpressionValue.True);
            case ConditionTokenKind.False:
                return Literal(token, ExpressionValue.False);
            case ConditionTokenKind.Null:
                return Literal(token, ExpressionValue.Null);
            case ConditionTokenKind.Reference:
                return new ConditionNode(ConditionNodeKind.Reference, token.Column) { Reference = token.Reference };
            case ConditionTokenKind.OpenParen:
                var inner = Or();
                var close = Next();
                if (close.Kind != ConditionTokenKind.CloseParen)
                {
                    throw new PipelineExpressionException(close.Kind == ConditionTokenKind.End
                        ? $"the '(' at column {token.Column} is not closed; add ')'"
                        : $"expected ')' to close the '(' at column {token.Column}, found '{YamlTreeReader.Clip(close.Text, 40)}'", close.Column);
                }
                return inner;
            case ConditionTokenKind.End:
                throw new PipelineExpressionException("the condition ends where a value was expected; complete it", token.Column);
            default:
                throw new PipelineExpressionException($"expected a value or a reference, found '{YamlTreeReader.Clip(token.Text, 40)}'", token.Column);
        }
    }

    private static ConditionNode Literal(ConditionToken token, ExpressionValue value) =>
        new(ConditionNodeKind.Literal, token.Column) { Literal = value };

    private void Enter()
    {
        if (++depth > PipelineCondition.MaxDepth)
        {
            throw new PipelineExpressionException($"the condition is nested more than {PipelineCondition.MaxDepth} levels deep (parentheses and 'not'); simplify it", Peek.Column);
        }
    }
}
