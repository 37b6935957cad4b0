using System.Globalization;
using System.Text;

namespace Nightshift.Core.Pipelines;

/// <summary>Splits a condition into tokens; every error names the column where it is.</summary>
internal static class ConditionLexer
{
    public const int MaxNumberLength = 40;

    public static List<ConditionToken> Tokenize(string text)
    {
        var tokens = new List<ConditionToken>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && text[i] is ' ' or '\t' or '\r' or '\n')
            {
                i++;
            }
            if (i >= text.Length)
            {
                tokens.Add(new ConditionToken(ConditionTokenKind.End, "", text.Length + 1));
                return tokens;
            }
            var column = i + 1;
            var c = text[i];
            switch (c)
            {
                case '(':
                    tokens.Add(new ConditionToken(ConditionTokenKind.OpenParen, "(", column));
                    i++;
                    break;
                case ')':
                    tokens.Add(new ConditionToken(ConditionTokenKind.CloseParen, ")", column));
                    i++;
                    break;
                case '=' or '!' or '<' or '>':
                    tokens.Add(Operator(text, ref i));
                    break;
                case '&' or '|':
                    if (i + 1 < text.Length && text[i + 1] == c)
                    {
                        tokens.Add(new ConditionToken(c == '&' ? ConditionTokenKind.And : ConditionTokenKind.Or, new string(c, 2), column));
                        i += 2;
                        break;
                    }
                    throw new PipelineExpressionException($"'{c}' alone is not an operator; write '{c}{c}' or '{(c == '&' ? "and" : "or")}'", column);
                case '\'' or '"':
                    tokens.Add(QuotedString(text, ref i));
                    break;
                case '+' or '-' or '.' or (>= '0' and <= '9'):
                    tokens.Add(Number(text, ref i));
                    break;
                default:
                    if (char.IsAsciiLetter(c) || c == '_')
                    {
                        tokens.Add(Word(text, ref i));
                        break;
                    }
                    throw new PipelineExpressionException($"unexpected character '{Describe(c)}'; a condition holds values, references ({ReferenceParser.Forms}), comparisons, and/or/not and parentheses", column);
            }
        }
    }

    private static ConditionToken Operator(string text, ref int i)
    {
        var column = i + 1;
        var c = text[i];
        var two = i + 1 < text.Length && text[i + 1] == '=';
        if (c == '=' && !two)
        {
            throw new PipelineExpressionException("'=' alone is not a comparison; write '==' to compare", column);
        }
        if (c == '!' && !two)
        {
            i++;
            return new ConditionToken(ConditionTokenKind.Not, "!", column);
        }
        var op = two ? text.Substring(i, 2) : c.ToString();
        i += op.Length;
        return new ConditionToken(ConditionTokenKind.Compare, op, column);
    }

    private static ConditionToken QuotedString(string text, ref int i)
    {
        var column = i + 1;
        var quote = text[i];
        var value = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == quote)
            {
                i++;
                return new ConditionToken(ConditionTokenKind.String, value.ToString(), column);
            }
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    break;
                }
                var next = text[i + 1];
                if (next is not ('\\' or '\'' or '"'))
                {
                    throw new PipelineExpressionException($"unknown escape '\\{Describe(next)}' in a string; only \\\\, \\' and \\\" are escapes", i + 1);
                }
                value.Append(next);
                i += 2;
                continue;
            }
            value.Append(c);
            i++;
        }
        throw new PipelineExpressionException($"the string that starts here is not closed; end it with {quote}", column);
    }

    private static ConditionToken Number(string text, ref int i)
    {
        var column = i + 1;
        var start = i;
        if (text[i] is '+' or '-')
        {
            i++;
        }
        var digitsStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }
        if (i == digitsStart)
        {
            throw new PipelineExpressionException($"'{Describe(text[start])}' must start a number such as -1 or 0.5 (there is no arithmetic)", column);
        }
        if (i < text.Length && text[i] == '.')
        {
            i++;
            var fraction = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == fraction)
            {
                throw new PipelineExpressionException("a number's '.' must be followed by digits, as in 1.5", i);
            }
        }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }
            var exponent = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == exponent)
            {
                throw new PipelineExpressionException("a number's exponent needs digits, as in 1e3", i);
            }
        }
        if (i < text.Length && (ReferenceParser.IsSegmentChar(text[i]) || text[i] == '.'))
        {
            throw new PipelineExpressionException($"'{Describe(text[i])}' cannot follow a number; put a space or an operator between them", i + 1);
        }
        var literal = text[start..i];
        if (literal.Length > MaxNumberLength)
        {
            throw new PipelineExpressionException($"the number is {literal.Length} characters long; at most {MaxNumberLength} are read", column);
        }
        var value = double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            throw new PipelineExpressionException($"the number {literal} is too large to compare", column);
        }
        return new ConditionToken(ConditionTokenKind.Number, literal, column) { Number = value };
    }

    private static ConditionToken Word(string text, ref int i)
    {
        var column = i + 1;
        var segments = new List<string>();
        var segmentStart = i;
        while (true)
        {
            while (i < text.Length && ReferenceParser.IsSegmentChar(text[i]))
            {
                i++;
            }
            segments.Add(text[segmentStart..i]);
            if (i < text.Length && text[i] == '.')
            {
                i++;
                segmentStart = i;
                continue;
            }
            break;
        }
        if (segments.Count == 1)
        {
            switch (segments[0])
            {
                case "and": return new ConditionToken(ConditionTokenKind.And, "and", column);
                case "or": return new ConditionToken(ConditionTokenKind.Or, "or", column);
                case "not": return new ConditionToken(ConditionTokenKind.Not, "not", column);
                case "true": return new ConditionToken(ConditionTokenKind.True, "true", column);
                case "false": return new ConditionToken(ConditionTokenKind.False, "false", column);
                case "null": return new ConditionToken(ConditionTokenKind.Null, "null", column);
            }
        }
        var reference = ReferenceParser.Build(segments, column);
        return new ConditionToken(ConditionTokenKind.Reference, text[(column - 1)..i], column) { Reference = reference };
    }

    internal static string Describe(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
}
