using System.Text.Json;
using Nightshift.Agent.Tools;

namespace Nightshift.Agent.Tests.Tools;

public sealed class FinishToolTests
{
    private static readonly FinishTool Tool = new();

    private static Task<ToolResult> FinishAsync(string json) =>
        Tool.ExecuteAsync(ToolArgumentParser.Parse(Tool.Name, Tool.Parameters, JsonSerializer.Deserialize<Dictionary<string, object?>>(json)), null!, CancellationToken.None);

    [Fact]
    public async Task ExecuteAsync_OutOfScopeTests_AreReturnedWithTheirReasonsOnceEach()
    {
        var result = await FinishAsync("""
            {"summary": "Add a changelog", "out_of_scope": [
              {"test": " adds ", "reason": "a separate bug"},
              {"test": "parses dates", "reason": "needs the network"},
              {"test": "adds", "reason": "said twice"}]}
            """);

        result.FinishSummary.ShouldBe("Add a changelog");
        result.OutOfScope.Select(o => (o.Test, o.Reason)).ShouldBe([("adds", "a separate bug"), ("parses dates", "needs the network")]);
        result.Answer.ShouldBeNull();
    }

    [Fact]
    public async Task ExecuteAsync_SummaryOnly_DeclaresNothing()
    {
        var result = await FinishAsync("""{"summary": "Fix add"}""");

        result.OutOfScope.ShouldBeEmpty();
        result.Answer.ShouldBeNull();
    }

    [Fact]
    public async Task ExecuteAsync_Answer_IsReturned()
    {
        (await FinishAsync("""{"summary": "Answered", "answer": " It returns -1. "}""")).Answer.ShouldBe("It returns -1.");
    }

    [Theory]
    [InlineData("""{"summary": "s", "out_of_scope": "adds"}""", "'out_of_scope' must be a list of objects, not a string")]
    [InlineData("""{"summary": "s", "out_of_scope": {"test": "adds"}}""", "'out_of_scope' must be a list of objects, not an object")]
    [InlineData("""{"summary": "s", "out_of_scope": ["adds"]}""", "out_of_scope[0]: must be an object {test, reason}, not a string")]
    [InlineData("""{"summary": "s", "out_of_scope": [{"test": "adds"}]}""", "out_of_scope[0]: 'reason' is required")]
    [InlineData("""{"summary": "s", "out_of_scope": [{"test": "adds", "reason": 3}]}""", "out_of_scope[0]: 'reason' must be a string, not a number")]
    [InlineData("""{"summary": "s", "out_of_scope": [{"test": "adds", "reason": "r", "force": true}]}""", "out_of_scope[0]: 'force' is not an argument of finish")]
    [InlineData("""{"summary": "s", "out_of_scope": [{"test": null, "reason": "r"}]}""", "out_of_scope[0]: 'test' must not be null")]
    public void Parse_MalformedOutOfScope_IsRefusedWithWhatWasExpected(string json, string expected)
    {
        var error = Should.Throw<ToolException>(() => ToolArgumentParser.Parse(Tool.Name, Tool.Parameters, JsonSerializer.Deserialize<Dictionary<string, object?>>(json)));

        error.Message.ShouldContain(expected);
        error.Message.ShouldContain("out_of_scope: [{test: string, reason: string}]?");
    }

    [Fact]
    public void Parse_TooManyOutOfScopeEntries_IsRefused()
    {
        var entries = string.Join(",", Enumerable.Range(0, FinishTool.MaxOutOfScope + 1).Select(i => $"{{\"test\": \"t{i}\", \"reason\": \"r\"}}"));

        Should.Throw<ToolException>(() => ToolArgumentParser.Parse(Tool.Name, Tool.Parameters, JsonSerializer.Deserialize<Dictionary<string, object?>>($"{{\"summary\": \"s\", \"out_of_scope\": [{entries}]}}")))
            .Message.ShouldContain($"holds {FinishTool.MaxOutOfScope + 1} items; at most {FinishTool.MaxOutOfScope}");
    }

    [Fact]
    public void Parse_OverlongReason_IsRefused()
    {
        var json = $"{{\"summary\": \"s\", \"out_of_scope\": [{{\"test\": \"adds\", \"reason\": \"{new string('r', 1_001)}\"}}]}}";

        Should.Throw<ToolException>(() => ToolArgumentParser.Parse(Tool.Name, Tool.Parameters, JsonSerializer.Deserialize<Dictionary<string, object?>>(json)))
            .Message.ShouldContain("out_of_scope[0]: 'reason' is 1001 characters long; at most 1000");
    }

    [Theory]
    [InlineData("""{"summary": "s", "out_of_scope": [{"test": "  ", "reason": "r"}]}""")]
    [InlineData("""{"summary": "s", "out_of_scope": [{"test": "adds", "reason": " "}]}""")]
    [InlineData("""{"summary": "s", "out_of_scope": [{"test": "a\nb", "reason": "r"}]}""")]
    public async Task ExecuteAsync_BlankTestOrReason_IsRefused(string json)
    {
        (await Should.ThrowAsync<ToolException>(() => FinishAsync(json))).Message.ShouldContain("each out_of_scope entry needs the test's name");
    }

    [Fact]
    public void JsonSchema_OutOfScope_IsAnOptionalBoundedListOfTestAndReason()
    {
        var property = Tool.JsonSchema.GetProperty("properties").GetProperty("out_of_scope");

        property.GetProperty("type").GetString().ShouldBe("array");
        property.GetProperty("maxItems").GetInt32().ShouldBe(FinishTool.MaxOutOfScope);
        var items = property.GetProperty("items");
        items.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ShouldBe(["test", "reason"]);
        items.GetProperty("additionalProperties").GetBoolean().ShouldBeFalse();
        Tool.JsonSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ShouldBe(["summary"]);
    }
}
