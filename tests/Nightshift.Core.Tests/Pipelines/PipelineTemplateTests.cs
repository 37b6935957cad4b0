using System.Diagnostics;
using System.Text.Json;
using Nightshift.Core.Pipelines;

namespace Nightshift.Core.Tests.Pipelines;

public sealed class PipelineTemplateTests
{
    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static PipelineValues Values(string output, params (string Name, string Value)[] inputs) => new(
        inputs.ToDictionary(i => i.Name, i => i.Value),
        new Dictionary<string, StepValues> { ["lint"] = new("succeeded", Json(output)), ["bare"] = new("failed") });

    private static readonly PipelineValues Sample = Values(
        """{ "errors": "a.js:1 missing ;", "count": 3, "ratio": 1.50, "ok": true, "none": null, "list": [1, "two"], "obj": { "k": "v" }, "uni": "é 😀 <b>" }""",
        ("pkg", "left-pad"));

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("", "")]
    [InlineData("Fix: {{steps.lint.output.errors}}", "Fix: a.js:1 missing ;")]
    [InlineData("Fix: {{ steps.lint.output.errors }}", "Fix: a.js:1 missing ;")]
    [InlineData("{{\tinputs.pkg\n}}", "left-pad")]
    [InlineData("{{steps.lint.output.count}} errors", "3 errors")]
    [InlineData("{{steps.lint.output.ratio}}", "1.50")]
    [InlineData("{{steps.lint.output.ok}}", "true")]
    [InlineData("{{steps.lint.output.list}}", "[1,\"two\"]")]
    [InlineData("{{steps.lint.output.obj}}", "{\"k\":\"v\"}")]
    [InlineData("{{steps.lint.output.uni}}", "é 😀 <b>")]
    [InlineData("{{steps.lint.status}}/{{steps.bare.status}}", "succeeded/failed")]
    [InlineData("{{inputs.pkg}}{{inputs.pkg}}", "left-padleft-pad")]
    [InlineData("a }} b { c {x}", "a }} b { c {x}")]
    [InlineData("{{inputs.pkg}}}", "left-pad}")]
    public void Render_Placeholders_BecomeTheirValues(string template, string expected) =>
        PipelineTemplate.Parse(template).Render(Sample).ShouldBe(expected);

    [Fact]
    public void Render_ValueHoldingBraces_IsNotRenderedAgain()
    {
        var values = Values("""{ "x": "{{inputs.secret}}" }""", ("secret", "s3cret"));

        PipelineTemplate.Parse("{{steps.lint.output.x}}").Render(values).ShouldBe("{{inputs.secret}}");
    }

    [Theory]
    [InlineData("{{steps.lint.output.none}}", "has no value")]
    [InlineData("{{steps.lint.output.absent}}", "has no 'absent' in its output")]
    [InlineData("{{steps.bare.output.x}}", "has no output")]
    [InlineData("{{steps.never.status}}", "has not ended")]
    [InlineData("{{inputs.nope}}", "--input nope=VALUE")]
    public void Render_MissingValue_NamesTheReference(string template, string contains)
    {
        var error = Should.Throw<PipelineExpressionException>(() => PipelineTemplate.Parse(template).Render(Sample));

        error.Message.ShouldContain("has no value");
        error.Message.ShouldContain(contains);
        error.Column.ShouldBe(3);
    }

    [Fact]
    public void Render_OverTheLimit_SaysSo()
    {
        var values = Values("{}", ("big", new string('x', 60_000)));

        var error = Should.Throw<PipelineExpressionException>(() => PipelineTemplate.Parse("{{inputs.big}} {{inputs.big}}").Render(values));

        error.Message.ShouldContain($"over {PipelineTemplate.MaxRenderedLength} characters");
    }

    [Theory]
    [InlineData("{{", 1, "not closed")]
    [InlineData("abc {{ inputs.x", 5, "not closed")]
    [InlineData("{{ inputs.x } }", 1, "not closed")]
    [InlineData("{{}}", 1, "empty")]
    [InlineData("x {{   }}", 3, "empty")]
    [InlineData("{{ inputs.x|upper }}", 12, "'|' cannot be in a placeholder")]
    [InlineData("{{ steps.a.output.x == 1 }}", 20, "' ' cannot be in a placeholder")]
    [InlineData("{{ {{inputs.x}} }}", 4, "'{' cannot be in a placeholder")]
    [InlineData("{{ $(id) }}", 4, "'$' cannot be")]
    [InlineData("{{ inputs }}", 4, "not an input reference")]
    [InlineData("{{ steps.a }}", 4, "incomplete")]
    [InlineData("{{ steps.a.output }}", 4, "whole output")]
    [InlineData("{{ env.HOME }}", 4, "unknown name")]
    [InlineData("{{ steps.a.output. }}", 4, "empty part")]
    public void Parse_Malformed_ThrowsWithColumn(string template, int column, string contains)
    {
        var error = Should.Throw<PipelineExpressionException>(() => PipelineTemplate.Parse(template));

        error.Column.ShouldBe(column, error.Message);
        error.Message.ShouldContain(contains);
    }

    [Fact]
    public void Parse_References_InOrderWithColumns()
    {
        var template = PipelineTemplate.Parse("a {{inputs.x}} b {{ steps.s.output.k.j }} {{inputs.x}}");

        template.References.Select(r => (r.ToString(), r.Column)).ShouldBe([("inputs.x", 5), ("steps.s.output.k.j", 21), ("inputs.x", 45)]);
    }

    [Fact]
    public void RenderShell_DistinctReferences_NumberedFromOne()
    {
        var rendered = PipelineTemplate.Parse("lint {{inputs.pkg}} --max {{steps.lint.output.count}} {{inputs.pkg}}").RenderShell(Sample);

        rendered.Script.ShouldBe("lint \"${NIGHTSHIFT_VALUE_1}\" --max \"${NIGHTSHIFT_VALUE_2}\" \"${NIGHTSHIFT_VALUE_1}\"");
        rendered.Environment.ShouldBe(new Dictionary<string, string> { ["NIGHTSHIFT_VALUE_1"] = "left-pad", ["NIGHTSHIFT_VALUE_2"] = "3" });
    }

    [Fact]
    public void RenderShell_InsideQuotes_FitsTheQuoting()
    {
        var rendered = PipelineTemplate.Parse("echo \"n={{inputs.pkg}}\" 'm={{inputs.pkg}}' \\'{{inputs.pkg}}").RenderShell(Sample);

        rendered.Script.ShouldBe("echo \"n=${NIGHTSHIFT_VALUE_1}\" 'm='\"${NIGHTSHIFT_VALUE_1}\"'' \\'\"${NIGHTSHIFT_VALUE_1}\"");
    }

    [Fact]
    public void RenderShell_AfterBackslash_Refused() =>
        Should.Throw<PipelineExpressionException>(() => PipelineTemplate.Parse("echo \\{{inputs.pkg}}").RenderShell(Sample)).Message.ShouldContain("backslash");

    [Fact]
    public void RenderShell_NulInValue_Refused()
    {
        var values = Values("""{ "x": "a\u0000b" }""");

        Should.Throw<PipelineExpressionException>(() => PipelineTemplate.Parse("echo {{steps.lint.output.x}}").RenderShell(values)).Message.ShouldContain("NUL");
    }

    [Fact]
    public void RenderShell_MissingValue_Refused() =>
        Should.Throw<PipelineExpressionException>(() => PipelineTemplate.Parse("echo {{inputs.nope}}").RenderShell(Sample)).Message.ShouldContain("has no value");

    [Fact]
    public void RenderShell_ValuesOverTheLimit_Refused()
    {
        var values = Values("{}", ("a", new string('x', 60_000)), ("b", new string('y', 60_000)));

        Should.Throw<PipelineExpressionException>(() => PipelineTemplate.Parse("echo {{inputs.a}} {{inputs.b}}").RenderShell(values)).Message.ShouldContain("over");
    }

    public static TheoryData<string> HostileValues => new()
    {
        "$(touch {marker})",
        "`touch {marker}`",
        "'; touch {marker}; '",
        "\"; touch {marker}; \"",
        "a\ntouch {marker}\n",
        "x && touch {marker}",
        "$(touch {marker})'\"`",
        "${IFS}touch${IFS}{marker}",
        "* ? [a] ~ $HOME",
        "\\\"; touch {marker}; #",
        "-n",
        "",
    };

    [Theory]
    [MemberData(nameof(HostileValues))]
    public async Task RenderShell_HostileOutputValue_PrintedLiterallyByShNothingRuns(string pattern)
    {
        var folder = Directory.CreateTempSubdirectory("ns-template-");
        try
        {
            var marker = Path.Combine(folder.FullName, "marker");
            var value = pattern.Replace("{marker}", marker, StringComparison.Ordinal);
            var values = new PipelineValues(
                new Dictionary<string, string> { ["name"] = value },
                new Dictionary<string, StepValues> { ["lint"] = new("succeeded", JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["v"] = value })) });
            var template = PipelineTemplate.Parse(
                "printf '%s|' {{steps.lint.output.v}}; printf '%s|' \"{{ steps.lint.output.v }}\"; printf '%s|' 'q{{inputs.name}}q'; printf '%s' {{inputs.name}}");

            var rendered = template.RenderShell(values);
            var output = await RunShAsync(rendered, folder.FullName);

            output.ShouldBe($"{value}|{value}|q{value}q|{value}");
            File.Exists(marker).ShouldBeFalse();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<string> RunShAsync(RenderedCommand command, string workingDirectory)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command.Script);
        foreach (var (name, value) in command.Environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        (await stderr).ShouldBeEmpty();
        process.ExitCode.ShouldBe(0);
        return await stdout;
    }
}
