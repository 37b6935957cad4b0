using System.Globalization;
using System.Text.Json;

namespace Nightshift.Core.Pipelines;

/// <summary>A value a condition or template works with: a literal, an input's text, a step's status or an output value.</summary>
internal sealed record ExpressionValue(ExpressionValueKind Kind)
{
    public static readonly ExpressionValue Null = new(ExpressionValueKind.Null);
    public static readonly ExpressionValue True = new(ExpressionValueKind.Boolean) { Boolean = true };
    public static readonly ExpressionValue False = new(ExpressionValueKind.Boolean) { Boolean = false };

    public bool Boolean { get; init; }

    public double Number { get; init; }

    /// <summary>Strings: the text; numbers: as written; objects and arrays: compact JSON.</summary>
    public string Text { get; init; } = "";

    public static ExpressionValue Of(bool value) => value ? True : False;

    public static ExpressionValue OfString(string text) => new(ExpressionValueKind.String) { Text = text };

    public static ExpressionValue OfNumber(double number, string text) => new(ExpressionValueKind.Number) { Number = number, Text = text };

    public static ExpressionValue Of(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => OfString(element.GetString() ?? ""),
        JsonValueKind.Number => OfNumber(element.TryGetDouble(out var d) && double.IsFinite(d) ? d : double.NaN, element.GetRawText()),
        JsonValueKind.True => True,
        JsonValueKind.False => False,
        JsonValueKind.Object => new ExpressionValue(ExpressionValueKind.Object) { Text = Compact(element) },
        JsonValueKind.Array => new ExpressionValue(ExpressionValueKind.Array) { Text = Compact(element) },
        _ => Null,
    };

    /// <summary>The value as a number: a number, or a string that reads as a finite one (outputs often print numbers as text).</summary>
    public bool TryNumber(out double number)
    {
        switch (Kind)
        {
            case ExpressionValueKind.Number when !double.IsNaN(Number):
                number = Number;
                return true;
            case ExpressionValueKind.String when Text.Length is > 0 and <= ConditionLexer.MaxNumberLength
                && double.TryParse(Text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed):
                number = parsed;
                return true;
            default:
                number = 0;
                return false;
        }
    }

    /// <summary>Names the kind for messages: "a number (3)", "a string ('x')".</summary>
    public string Describe() => Kind switch
    {
        ExpressionValueKind.Null => "null (no value)",
        ExpressionValueKind.Boolean => Boolean ? "true" : "false",
        ExpressionValueKind.Number => $"a number ({YamlTreeReader.Clip(Text, 40)})",
        ExpressionValueKind.String => $"a string ('{YamlTreeReader.Clip(Text, 40)}')",
        ExpressionValueKind.Object => "an object",
        _ => "an array",
    };

    private static string Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
