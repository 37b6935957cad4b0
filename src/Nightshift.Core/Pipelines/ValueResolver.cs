using System.Globalization;
using System.Text.Json;

namespace Nightshift.Core.Pipelines;

/// <summary>What a reference stands for in a run: null when the input, step or output key is not there.</summary>
internal static class ValueResolver
{
    public static ExpressionValue Resolve(PipelineReference reference, PipelineValues values)
    {
        if (reference.Root == "inputs")
        {
            return values.Inputs.TryGetValue(reference.Name, out var input) ? ExpressionValue.OfString(input) : ExpressionValue.Null;
        }
        if (!values.Steps.TryGetValue(reference.Name, out var step))
        {
            return ExpressionValue.Null;
        }
        if (reference.Path is ["status"])
        {
            return ExpressionValue.OfString(step.Status);
        }
        if (step.Output is not { } output)
        {
            return ExpressionValue.Null;
        }
        var current = output;
        foreach (var key in reference.Path.Skip(1))
        {
            switch (current.ValueKind)
            {
                case JsonValueKind.Object when current.TryGetProperty(key, out var property):
                    current = property;
                    break;
                case JsonValueKind.Array when int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength():
                    current = current[index];
                    break;
                default:
                    return ExpressionValue.Null;
            }
        }
        return ExpressionValue.Of(current);
    }
}
