using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Nightshift.Agent.Tools;

/// <summary>
/// A tool offered to the model. The agent loop invokes tools itself (it needs the sandbox, events and budgets), so
/// this is a declaration with a schema plus an <see cref="ExecuteAsync"/> that receives already validated arguments.
/// </summary>
public abstract class AgentTool : AIFunctionDeclaration
{
    private JsonElement? _schema;

    public abstract override string Name { get; }

    public abstract override string Description { get; }

    public abstract IReadOnlyList<ToolParameter> Parameters { get; }

    /// <summary>Read-only tools may be offered to the plan agent.</summary>
    public virtual bool ReadOnly => true;

    public override JsonElement JsonSchema => _schema ??= BuildSchema();

    public abstract Task<ToolResult> ExecuteAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken);

    private JsonElement BuildSchema() => JsonSerializer.SerializeToElement(ObjectSchema(Parameters));

    private static JsonObject ObjectSchema(IReadOnlyList<ToolParameter> parameters)
    {
        var properties = new JsonObject();
        foreach (var p in parameters)
        {
            var property = new JsonObject
            {
                ["type"] = p.Type switch
                {
                    ToolParameterType.Integer => "integer",
                    ToolParameterType.Boolean => "boolean",
                    ToolParameterType.ObjectList => "array",
                    _ => "string",
                },
                ["description"] = p.Description,
            };
            if (p.Type == ToolParameterType.ObjectList)
            {
                property["items"] = ObjectSchema(p.Items ?? []);
                if (p.Maximum is { } most)
                {
                    property["maxItems"] = most;
                }
                properties[p.Name] = property;
                continue;
            }
            if (p.MaxLength is { } max)
            {
                property["maxLength"] = max;
            }
            if (p.Minimum is { } min)
            {
                property["minimum"] = min;
            }
            if (p.Maximum is { } top)
            {
                property["maximum"] = top;
            }
            properties[p.Name] = property;
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray(parameters.Where(p => p.Required).Select(p => (JsonNode)p.Name).ToArray()),
            ["additionalProperties"] = false,
        };
    }
}
