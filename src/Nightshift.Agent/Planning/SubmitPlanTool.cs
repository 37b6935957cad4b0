using System.Text.Json;
using Microsoft.Extensions.AI;
using Nightshift.Core.Planning;

namespace Nightshift.Agent.Planning;

/// <summary>The <c>submit_plan</c> declaration offered to the plan agent; its schema is <see cref="PlanSchema"/>. The plan agent handles the call itself.</summary>
public sealed class SubmitPlanTool : AIFunctionDeclaration
{
    public static SubmitPlanTool Instance { get; } = new();

    public override string Name => PlanSchema.ToolName;

    public override string Description => PlanSchema.ToolDescription;

    public override JsonElement JsonSchema => PlanSchema.SubmitPlanArguments;
}
