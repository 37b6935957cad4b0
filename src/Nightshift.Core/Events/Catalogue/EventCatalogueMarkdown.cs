using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Nightshift.Core.Serialization;

namespace Nightshift.Core.Events.Catalogue;

/// <summary>
/// Renders the event catalogue of docs/INTERFACES.md from <see cref="EventCatalogue"/> and the payload records' XML
/// documentation (Nightshift.Core.xml, built next to the assembly), and splices it between its two markers.
/// </summary>
public static partial class EventCatalogueMarkdown
{
    public const string StartMarker = "<!-- event-catalogue:start -->";
    public const string EndMarker = "<!-- event-catalogue:end -->";

    /// <summary>How to write the section anew; printed by the test that compares it.</summary>
    public const string RegenerateCommand =
        "NIGHTSHIFT_WRITE_EVENT_CATALOGUE=$PWD/docs/INTERFACES.md dotnet test tests/Nightshift.Core.Tests --filter CatalogueSection";

    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>The section between (and including) the markers.</summary>
    /// <param name="docs">the XML documentation of Nightshift.Core.</param>
    public static string Render(XDocument docs)
    {
        ArgumentNullException.ThrowIfNull(docs);
        var members = docs.Descendants("member")
            .Where(m => m.Attribute("name") is not null)
            .GroupBy(m => m.Attribute("name")!.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var text = new StringBuilder();
        text.Append(StartMarker).Append('\n');
        text.Append("<!-- Generated from src/Nightshift.Core/Events (EventCatalogue and the payload records' doc comments); do not edit by hand.\n");
        text.Append("     Write it anew with: ").Append(RegenerateCommand).Append(" -->\n\n");
        text.Append("Every payload is a JSON object serialized from a record in `").Append(EventCatalogue.PayloadNamespace)
            .Append("` (camelCase names).\n\n");
        text.Append("| event | payload | what happened |\n|---|---|---|\n");
        foreach (var entry in EventCatalogue.Entries)
        {
            text.Append("| `").Append(entry.Type).Append("` | ").Append(PayloadLink(entry)).Append(" | ").Append(Cell(entry.Description)).Append(" |\n");
        }

        var shown = new List<Type>();
        var nested = new List<Type>();
        foreach (var group in EventCatalogue.Entries.GroupBy(e => e.PayloadName, StringComparer.Ordinal))
        {
            var entry = group.First();
            text.Append("\n### ").Append(entry.PayloadName).Append("\n\n");
            text.Append(string.Join(", ", group.Select(e => $"`{e.Type}`"))).Append(". ");
            var payload = entry.Payload;
            shown.Add(payload);
            AppendRecord(text, payload, members, nested);
        }
        for (var i = 0; i < nested.Count; i++)
        {
            var type = nested[i];
            if (shown.Contains(type))
            {
                continue;
            }
            shown.Add(type);
            text.Append("\n### ").Append(type.Name).Append("\n\n");
            AppendRecord(text, type, members, nested);
        }
        text.Append('\n').Append(EndMarker);
        return text.ToString();
    }

    /// <summary>
    /// <paramref name="document"/> with the text between its markers replaced by <paramref name="section"/>; an
    /// <see cref="InvalidOperationException"/> says what to add when a marker is missing.
    /// </summary>
    public static string Splice(string document, string section)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(section);
        var start = document.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = document.IndexOf(EndMarker, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            throw new InvalidOperationException(
                $"the document has no event catalogue section: put a line {StartMarker} and, below it, a line {EndMarker} where the catalogue goes, then write it anew");
        }
        return string.Concat(document.AsSpan(0, start), section, document.AsSpan(end + EndMarker.Length));
    }

    /// <summary>The section currently between the markers of <paramref name="document"/>, or null when it has none.</summary>
    public static string? Extract(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var start = document.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = document.IndexOf(EndMarker, StringComparison.Ordinal);
        return start < 0 || end < start ? null : document[start..(end + EndMarker.Length)];
    }

    /// <summary>The JSON name of a payload member, as <see cref="NightshiftJson"/> writes it.</summary>
    public static string JsonName(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
            ?? NightshiftJson.Options.PropertyNamingPolicy?.ConvertName(property.Name)
            ?? property.Name;
    }

    /// <summary>The members a record writes, in the order it writes them.</summary>
    public static IReadOnlyList<PropertyInfo> Members(Type record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return [.. record.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>()?.Condition is not JsonIgnoreCondition.Always)
            .OrderBy(p => p.MetadataToken)];
    }

    private static void AppendRecord(StringBuilder text, Type record, Dictionary<string, XElement> members, List<Type> nested)
    {
        var doc = members.GetValueOrDefault("T:" + record.FullName);
        var summary = doc?.Element("summary") is { } s ? Plain(s) : "";
        if (summary.Length == 0)
        {
            throw new InvalidOperationException($"{record.Name} has no <summary> doc comment; say when the event is emitted");
        }
        text.Append(summary).Append("\n\n| field | type | meaning |\n|---|---|---|\n");
        foreach (var property in Members(record))
        {
            // A positional member is documented by the record's <param>, an init-only one by its own <summary>.
            var param = doc!.Elements("param").FirstOrDefault(p => string.Equals(p.Attribute("name")?.Value, property.Name, StringComparison.Ordinal))
                ?? members.GetValueOrDefault($"P:{record.FullName}.{property.Name}")?.Element("summary");
            var meaning = param is null ? "" : Plain(param);
            if (meaning.Length == 0)
            {
                throw new InvalidOperationException($"{record.Name}.{property.Name} has no <param> (or, for a property of its own, <summary>) doc comment; say what it means");
            }
            var omitted = property.GetCustomAttribute<JsonIgnoreAttribute>()?.Condition is JsonIgnoreCondition.WhenWritingNull;
            var nullable = Nullability.Create(property).ReadState == NullabilityState.Nullable;
            var type = TypeName(property.PropertyType, nested) + (omitted ? ", left out when null" : nullable ? " or null" : "");
            text.Append("| `").Append(JsonName(property)).Append("` | ").Append(Cell(type)).Append(" | ").Append(Cell(meaning)).Append(" |\n");
        }
    }

    private static string TypeName(Type type, List<Type> nested)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return TypeName(inner, nested);
        }
        if (type == typeof(string))
        {
            return "string";
        }
        if (type == typeof(bool))
        {
            return "boolean";
        }
        if (type == typeof(int) || type == typeof(long))
        {
            return "integer";
        }
        if (type == typeof(decimal) || type == typeof(double))
        {
            return "number";
        }
        if (type == typeof(DateTimeOffset))
        {
            return "time (ISO 8601)";
        }
        if (type == typeof(JsonObject))
        {
            return "object";
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return $"[{TypeName(type.GetGenericArguments()[0], nested)}]";
        }
        if (string.Equals(type.Namespace, EventCatalogue.PayloadNamespace, StringComparison.Ordinal))
        {
            if (!nested.Contains(type))
            {
                nested.Add(type);
            }
            return type.Name;
        }
        // A small record from elsewhere in Core (a plan edge): its members inline.
        return "{" + string.Join(", ", Members(type).Select(JsonName)) + "}";
    }

    private static string PayloadLink(EventCatalogueEntry entry) =>
        $"`{entry.PayloadName}`";

    private static string Plain(XElement element)
    {
        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "c" } c => $"`{c.Value}`",
                XElement { Name.LocalName: "see" } see => "`" + (see.Attribute("cref")?.Value ?? see.Value).Split('.', ':')[^1] + "`",
                XElement e => e.Value,
                _ => "",
            });
        }
        return Spaces().Replace(text.ToString(), " ").Trim();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
