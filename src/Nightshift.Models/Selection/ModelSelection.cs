namespace Nightshift.Models.Selection;

/// <summary>The chains chosen for planning and building: first entry is the model, the rest its fallbacks in order.</summary>
public sealed record ModelSelection(IReadOnlyList<ModelSpec> Plan, IReadOnlyList<ModelSpec> Build)
{
    public ModelSpec PlanModel => Plan[0];

    public ModelSpec BuildModel => Build[0];
}
