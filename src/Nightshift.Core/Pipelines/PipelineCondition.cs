namespace Nightshift.Core.Pipelines;

/// <summary>
/// A parsed condition: numbers, 'strings' or "strings", true/false/null, references (<see cref="PipelineReference"/>),
/// <c>== != &lt; &lt;= &gt; &gt;=</c>, <c>and or not</c> (also <c>&amp;&amp; || !</c>), parentheses. Parsed into a tree
/// and interpreted; never code. Precedence, loosest first: or, and, not, comparison.
/// </summary>
public sealed class PipelineCondition
{
    public const int MaxLength = 2_000;
    public const int MaxDepth = 32;

    private readonly ConditionNode root;

    private PipelineCondition(string text, ConditionNode root, IReadOnlyList<PipelineReference> references)
    {
        Text = text;
        this.root = root;
        References = references;
    }

    public string Text { get; private init; } = "";

    public IReadOnlyList<PipelineReference> References { get; private init; }

    /// <exception cref="PipelineExpressionException">the text does not parse (the column says where).</exception>
    public static PipelineCondition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new PipelineExpressionException($"the condition is {text.Length} characters long; at most {MaxLength} are read — compute a simpler output in an earlier step", MaxLength + 1);
        }
        var root = ConditionParser.Parse(text);
        var references = new List<PipelineReference>();
        Collect(root, references);
        return new PipelineCondition(text, root, references);
    }

    /// <exception cref="PipelineExpressionException">a value has the wrong kind for its operator (the message names it).</exception>
    public bool Evaluate(PipelineValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new ConditionInterpreter(values).Truth(root, "the condition");
    }

    public override string ToString() => Text;

    private static void Collect(ConditionNode node, List<PipelineReference> references)
    {
        // Iterative: a long chain of 'and's is shallow in parentheses but deep as a tree.
        var pending = new Stack<ConditionNode>();
        pending.Push(node);
        var found = new List<ConditionNode>();
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current.Reference is not null)
            {
                found.Add(current);
            }
            if (current.Right is not null)
            {
                pending.Push(current.Right);
            }
            if (current.Left is not null)
            {
                pending.Push(current.Left);
            }
        }
        references.AddRange(found.OrderBy(n => n.Column).Select(n => n.Reference!));
    }
}
