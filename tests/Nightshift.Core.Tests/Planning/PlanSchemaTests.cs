using System.Text.Json;
using Nightshift.Core.Planning;

namespace Nightshift.Core.Tests.Planning;

public sealed class PlanSchemaTests
{
    [Fact]
    public void SubmitPlanArguments_MatchesTheValidatorsLimitsAndFields()
    {
        var schema = PlanSchema.SubmitPlanArguments;
        var subtasks = schema.GetProperty("properties").GetProperty("subtasks");
        var item = subtasks.GetProperty("items");
        var fields = item.GetProperty("properties");

        schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ShouldBe(["subtasks"]);
        subtasks.GetProperty("maxItems").GetInt32().ShouldBe(PlanLimits.MaxSubtasks);
        fields.EnumerateObject().Select(p => p.Name).ShouldBe(["id", "title", "description", "depends_on", "priority", "files", "acceptance"]);
        item.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ShouldBe(["id", "title", "description"]);
        item.GetProperty("additionalProperties").GetBoolean().ShouldBeFalse();
        fields.GetProperty("id").GetProperty("maxLength").GetInt32().ShouldBe(PlanLimits.MaxIdLength);
        fields.GetProperty("description").GetProperty("maxLength").GetInt32().ShouldBe(PlanLimits.MaxDescriptionLength);
        fields.GetProperty("priority").GetProperty("maximum").GetInt32().ShouldBe(PlanLimits.MaxPriority);
    }

    [Fact]
    public void SubmitPlanArguments_IdPattern_AgreesWithTheValidator()
    {
        var pattern = PlanSchema.SubmitPlanArguments.GetProperty("properties").GetProperty("subtasks").GetProperty("items")
            .GetProperty("properties").GetProperty("id").GetProperty("pattern").GetString()!;
        var regex = new System.Text.RegularExpressions.Regex(pattern);

        foreach (var id in new[] { "a", "add-api", "x2-y3", "A", "a--b", "-a", "a_b", "1a" })
        {
            var json = JsonSerializer.Serialize(new { subtasks = new[] { new { id, title = "t", description = "d" } } });
            PlanParser.Parse(json).IsValid.ShouldBe(regex.IsMatch(id), id);
        }
    }
}
