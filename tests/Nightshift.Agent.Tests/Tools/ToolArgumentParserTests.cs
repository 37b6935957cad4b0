using System.Text.Json;
using Nightshift.Agent.Tools;

namespace Nightshift.Agent.Tests.Tools;

public sealed class ToolArgumentParserTests
{
    private static readonly ReadFileTool Tool = new();

    private static ToolArguments Parse(string json) =>
        ToolArgumentParser.Parse(Tool.Name, Tool.Parameters, JsonSerializer.Deserialize<Dictionary<string, object?>>(json));

    [Theory]
    [InlineData("{}", "'path' is required")]
    [InlineData("{\"path\": 42}", "'path' must be a string, not a number")]
    [InlineData("{\"path\": \"a\", \"start_line\": \"3\"}", "'start_line' must be an integer, not a string")]
    [InlineData("{\"path\": \"a\", \"start_line\": 0}", "between 1 and")]
    [InlineData("{\"path\": \"a\", \"start_line\": 1.5}", "must be an integer")]
    [InlineData("{\"path\": \"a\", \"rm\": \"-rf\"}", "'rm' is not an argument of read_file")]
    [InlineData("{\"path\": null}", "'path' must not be null")]
    [InlineData("{\"path\": [\"a\"]}", "not an array")]
    public void Parse_BadArguments_AreRefusedWithWhatWasExpected(string json, string expected)
    {
        var error = Should.Throw<ToolException>(() => Parse(json));

        error.Message.ShouldContain(expected);
        error.Message.ShouldContain("Expected {path: string, start_line: integer?, end_line: integer?}");
    }

    [Fact]
    public void Parse_OverlongString_IsRefused()
    {
        Should.Throw<ToolException>(() => Parse($"{{\"path\": \"{new string('a', 1_001)}\"}}")).Message.ShouldContain("at most 1000");
    }

    [Fact]
    public void Parse_GoodArguments_AreReadable()
    {
        var args = Parse("{\"path\": \"src/a.cs\", \"start_line\": 5}");

        args.GetString("path").ShouldBe("src/a.cs");
        args.GetOptionalInteger("start_line").ShouldBe(5);
        args.GetOptionalInteger("end_line").ShouldBeNull();
    }

    [Fact]
    public void JsonSchema_DescribesEveryParameterAndForbidsOthers()
    {
        var schema = Tool.JsonSchema;

        schema.GetProperty("type").GetString().ShouldBe("object");
        schema.GetProperty("additionalProperties").GetBoolean().ShouldBeFalse();
        schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()).ShouldBe(["path"]);
        schema.GetProperty("properties").GetProperty("start_line").GetProperty("type").GetString().ShouldBe("integer");
    }
}
