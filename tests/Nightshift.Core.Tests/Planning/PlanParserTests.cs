using System.Text.Json;
using Nightshift.Core.Planning;

namespace Nightshift.Core.Tests.Planning;

public sealed class PlanParserTests
{
    private const string OneSubtask = "\"subtasks\": [{\"id\": \"a\", \"title\": \"A\", \"description\": \"d\"}]";

    private const string Valid = """
        {"subtasks": [
          {"id": "add-model", "title": "Add the model", "description": "Create the Order record.", "priority": 5,
           "files": ["src/Order.cs"], "acceptance": ["Order compiles"]},
          {"id": "add-api", "title": "Add the API", "description": "Expose orders over HTTP.", "depends_on": ["add-model"]}
        ]}
        """;

    [Fact]
    public void Parse_ValidPlan_ReturnsEveryField()
    {
        var result = PlanParser.Parse(Valid);

        result.IsValid.ShouldBeTrue(result.ErrorReport());
        var plan = result.Plan!;
        plan.Subtasks.Count.ShouldBe(2);
        var model = plan.Find("add-model")!;
        model.Title.ShouldBe("Add the model");
        model.Priority.ShouldBe(5);
        model.Files.ShouldBe(["src/Order.cs"]);
        model.Acceptance.ShouldBe(["Order compiles"]);
        model.DependsOn.ShouldBeEmpty();
        plan.Find("add-api")!.DependsOn.ShouldBe(["add-model"]);
        plan.Find("add-api")!.Priority.ShouldBe(0);
    }

    [Fact]
    public void Parse_Summary_IsTrimmedAndKept()
    {
        var result = PlanParser.Parse("{\"summary\": \"  Add orders to the API \", " + OneSubtask + "}");

        result.IsValid.ShouldBeTrue(result.ErrorReport());
        result.Plan!.Summary.ShouldBe("Add orders to the API");
    }

    [Theory]
    [InlineData("\"summary\": 42", "summary: is a number; it must be a string")]
    [InlineData("\"summary\": \"two\\nlines\"", "summary: must be one line of at most 80 characters")]
    [InlineData("\"summary\": \"bell\\u0007\"", "summary: must be one line")]
    public void Parse_BadSummary_SaysWhatAShortLineIs(string field, string expected)
    {
        var result = PlanParser.Parse("{" + field + ", " + OneSubtask + "}");

        result.IsValid.ShouldBeFalse();
        result.Errors.ShouldContain(e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_OverlongSummary_IsRefused()
    {
        var result = PlanParser.Parse("{\"summary\": \"" + new string('s', PlanLimits.MaxSummaryLength + 1) + "\", " + OneSubtask + "}");

        result.Errors.ShouldContain(e => e.StartsWith("summary: must be one line of at most 80", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("{\"subtasks\": [", "not valid JSON")]
    [InlineData("[1,2]", "the plan is an array")]
    [InlineData("\"plan\"", "the plan is a string")]
    [InlineData("{}", "subtasks: is missing")]
    [InlineData("{\"subtasks\": {}}", "subtasks: is an object")]
    [InlineData("{\"subtasks\": []}", "no subtasks")]
    public void Parse_MalformedOrMissing_SaysWhatToSend(string? json, string expected)
    {
        var result = PlanParser.Parse(json);

        result.IsValid.ShouldBeFalse();
        result.Plan.ShouldBeNull();
        result.Errors.ShouldContain(e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ManyProblems_ReportsAllOfThemNotOnlyTheFirst()
    {
        var json = """
            {"subtasks": [
              {"id": "Bad Id", "title": "", "description": 42, "priority": "high", "depends_on": "x", "extra": 1},
              {"id": "b", "title": "B", "description": "d", "depends_on": ["b", "ghost"], "files": ["/etc/passwd", "../up"]},
              {"id": "b", "title": "B2", "description": "d", "acceptance": [1]},
              7
            ], "goal": "x"}
            """;

        var result = PlanParser.Parse(json);

        result.IsValid.ShouldBeFalse();
        var text = string.Join("\n", result.Errors);
        text.ShouldContain("'goal' is not a field of a plan; only 'summary' and 'subtasks' are");
        text.ShouldContain("subtasks[0]: 'extra' is not a field of a subtask");
        text.ShouldContain("subtasks[0].id: 'Bad Id' is not a short slug");
        text.ShouldContain("subtasks[0].title: is missing or empty");
        text.ShouldContain("subtasks[0].description: is a number; it must be a string");
        text.ShouldContain("subtasks[0].priority: must be a whole number");
        text.ShouldContain("subtasks[0].depends_on: is a string; it must be an array of strings");
        text.ShouldContain("id 'b' is used by more than one subtask");
        text.ShouldContain("subtasks[1] ('b').depends_on: the subtask depends on itself");
        text.ShouldContain("'ghost' is not the id of any subtask in this plan; known ids: 'b'");
        text.ShouldContain("subtasks[1] ('b').files[0]: '/etc/passwd' is not inside the repository");
        text.ShouldContain("subtasks[1] ('b').files[1]: '../up' is not inside the repository");
        text.ShouldContain("subtasks[2].acceptance[0]: is a number; it must be a string");
        text.ShouldContain("subtasks[3]: is a number; each subtask must be an object");
        result.Errors.Count.ShouldBe(14);
        result.ErrorReport().ShouldStartWith("the plan was rejected (14 problems); fix all of them and call submit_plan again:");
    }

    [Fact]
    public void Parse_TypeErrorOnAField_IsNotReportedTwice()
    {
        var result = PlanParser.Parse("""{"subtasks": [{"id": "a", "title": ["x"], "description": "d"}]}""");

        result.Errors.ShouldHaveSingleItem().ShouldBe("subtasks[0].title: is an array; it must be a string");
    }

    [Theory]
    [InlineData("a")]
    [InlineData("fix-bug-2")]
    [InlineData("x1")]
    public void Parse_SlugIds_AreAccepted(string id)
    {
        PlanParser.Parse(One(id)).IsValid.ShouldBeTrue();
    }

    [Theory]
    [InlineData("A")]
    [InlineData("1st")]
    [InlineData("a--b")]
    [InlineData("a-")]
    [InlineData("a_b")]
    [InlineData("a b")]
    [InlineData("a\n")]
    [InlineData("ünï")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void Parse_IdsThatAreNotShortSlugs_AreRejected(string id)
    {
        var result = PlanParser.Parse(One(id));

        result.IsValid.ShouldBeFalse();
        result.Errors.ShouldHaveSingleItem().ShouldContain(".id: ");
    }

    [Fact]
    public void Parse_TooManySubtasks_SaysTheCap()
    {
        var subtasks = Enumerable.Range(0, PlanLimits.MaxSubtasks + 1).Select(i => new { id = $"s{i}", title = "t", description = "d" });
        var result = PlanParser.Parse(JsonSerializer.Serialize(new { subtasks }));

        result.Errors.ShouldHaveSingleItem().ShouldContain($"at most {PlanLimits.MaxSubtasks} are allowed");
    }

    [Fact]
    public void Parse_ThousandsOfSubtasks_StopsReadingAndReportsTheCount()
    {
        var subtasks = Enumerable.Range(0, 1_000).Select(i => new { id = $"s{i}", title = "t", description = "d" });
        var result = PlanParser.Parse(JsonSerializer.Serialize(new { subtasks }));

        result.IsValid.ShouldBeFalse();
        result.Errors.ShouldHaveSingleItem().ShouldContain("the plan has 1000 subtasks");
    }

    [Fact]
    public void Parse_OversizedJson_IsRejectedBeforeParsing()
    {
        var result = PlanParser.Parse("{\"subtasks\": [\"" + new string('x', PlanLimits.MaxJsonLength) + "\"]}");

        result.Errors.ShouldHaveSingleItem().ShouldContain($"at most {PlanLimits.MaxJsonLength} are accepted");
    }

    [Fact]
    public void Parse_OversizedText_NamesTheFieldAndTheLimit()
    {
        var json = JsonSerializer.Serialize(new
        {
            subtasks = new[] { new { id = "a", title = new string('t', PlanLimits.MaxTitleLength + 1), description = new string('d', PlanLimits.MaxDescriptionLength + 1) } },
        });

        var errors = PlanParser.Parse(json).Errors;

        errors.Count.ShouldBe(2);
        errors.ShouldContain(e => e.StartsWith("subtasks[0] ('a').title: is 201 characters long; at most 200", StringComparison.Ordinal));
        errors.ShouldContain(e => e.StartsWith("subtasks[0] ('a').description: is 4001 characters long", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("title", "Add\u0000login")]
    [InlineData("title", "two\nlines")]
    [InlineData("title", "evil\u202Eoverride")]
    [InlineData("description", "bell\u0007")]
    [InlineData("description", "escape \u001b[31m red")]
    public void Parse_HostileCharacters_AreRejected(string field, string value)
    {
        var subtask = new Dictionary<string, object> { ["id"] = "a", ["title"] = "t", ["description"] = "d" };
        subtask[field] = value;

        var result = PlanParser.Parse(JsonSerializer.Serialize(new { subtasks = new[] { subtask } }));

        result.Errors.ShouldHaveSingleItem().ShouldContain($"{field}: contains control or direction-override characters");
    }

    [Fact]
    public void Parse_DescriptionWithNewlinesAndTabs_IsAccepted()
    {
        var json = JsonSerializer.Serialize(new { subtasks = new[] { new { id = "a", title = "t", description = "line one\n\tline two" } } });

        PlanParser.Parse(json).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void Parse_PriorityOutOfRangeOrFractional_IsRejected()
    {
        var result = PlanParser.Parse("""{"subtasks": [{"id": "a", "title": "t", "description": "d", "priority": 1000}, {"id": "b", "title": "t", "description": "d", "priority": 1.5}]}""");

        result.Errors.Count.ShouldBe(2);
        result.Errors[0].ShouldContain("subtasks[1].priority: must be a whole number");
        result.Errors[1].ShouldContain("subtasks[0] ('a').priority: 1000 is out of range");
    }

    [Fact]
    public void Parse_DeeplyNestedJson_IsRejectedAsMalformed()
    {
        var json = "{\"subtasks\": " + new string('[', 100) + new string(']', 100) + "}";

        PlanParser.Parse(json).Errors.ShouldHaveSingleItem().ShouldContain("not valid JSON");
    }

    [Fact]
    public void Parse_CyclicPlan_IsValidBecauseTheLadderHandlesCycles()
    {
        var json = """{"subtasks": [{"id": "a", "title": "t", "description": "d", "depends_on": ["b"]}, {"id": "b", "title": "t", "description": "d", "depends_on": ["a"]}]}""";

        PlanParser.Parse(json).IsValid.ShouldBeTrue();
    }

    private static string One(string id) => JsonSerializer.Serialize(new { subtasks = new[] { new { id, title = "t", description = "d" } } });
}
