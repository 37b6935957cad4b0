using System.Text.Json;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.Agent.Tools;

namespace Nightshift.Agent.Tests.Tools;

public sealed class FileToolsTests : IDisposable
{
    private readonly TempTree _tree = new();
    private readonly ToolContext _context;

    public FileToolsTests()
    {
        var none = new NoCommands();
        _context = new ToolContext(new Worktree(_tree.Root), none, none);
    }

    private Task<ToolResult> RunAsync(AgentTool tool, object arguments)
    {
        var raw = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments));
        return tool.ExecuteAsync(ToolArgumentParser.Parse(tool.Name, tool.Parameters, raw), _context, TestContextToken());
    }

    private static CancellationToken TestContextToken() => Nightshift.TestKit.TestDefaults.TimeoutToken();

    [Fact]
    public async Task ReadFile_Range_ShowsNumberedLinesAndSaysWhatFollows()
    {
        _tree.Write("a.txt", string.Join('\n', Enumerable.Range(1, 10).Select(i => $"line {i}")) + "\n");

        var result = await RunAsync(new ReadFileTool(), new { path = "a.txt", start_line = 3, end_line = 4 });

        result.Content.ShouldStartWith(" 3| line 3\n 4| line 4\n");
        result.Content.ShouldContain("6 more lines");
    }

    [Fact]
    public async Task ReadFile_Binary_IsRefused()
    {
        File.WriteAllBytes(Path.Combine(_tree.Root, "blob.bin"), [1, 0, 2, 0]);

        (await Should.ThrowAsync<ToolException>(() => RunAsync(new ReadFileTool(), new { path = "blob.bin" }))).Message.ShouldContain("binary");
    }

    [Fact]
    public async Task ReadFile_Missing_SaysHowToFindIt()
    {
        (await Should.ThrowAsync<ToolException>(() => RunAsync(new ReadFileTool(), new { path = "nope.txt" }))).Message.ShouldContain("list_files");
    }

    [Fact]
    public async Task EditFile_UniqueSnippet_IsReplaced()
    {
        _tree.Write("calc.js", "function add(a, b) {\n  return a - b;\n}\n");

        var result = await RunAsync(new EditFileTool(), new { path = "calc.js", old_string = "return a - b;", new_string = "return a + b;" });

        result.IsError.ShouldBeFalse();
        _tree.Read("calc.js").ShouldBe("function add(a, b) {\n  return a + b;\n}\n");
    }

    [Fact]
    public async Task EditFile_MissingSnippet_ShowsTheNearestLinesAndChangesNothing()
    {
        const string original = "function add(a, b) {\n  return a - b;\n}\n";
        _tree.Write("calc.js", original);

        var error = await Should.ThrowAsync<ToolException>(() => RunAsync(new EditFileTool(), new { path = "calc.js", old_string = "return a -  b ;", new_string = "x" }));

        error.Message.ShouldContain("not found");
        error.Message.ShouldContain("2|   return a - b;");
        _tree.Read("calc.js").ShouldBe(original);
    }

    [Fact]
    public async Task EditFile_AmbiguousSnippet_ListsTheLinesAndChangesNothing()
    {
        const string original = "x = 1\ny = 2\nx = 1\n";
        _tree.Write("v.py", original);

        var error = await Should.ThrowAsync<ToolException>(() => RunAsync(new EditFileTool(), new { path = "v.py", old_string = "x = 1", new_string = "x = 3" }));

        error.Message.ShouldContain("occurs 2 times");
        error.Message.ShouldContain("lines 1, 3");
        _tree.Read("v.py").ShouldBe(original);
    }

    [Fact]
    public async Task EditFile_CrLfFile_KeepsItsLineEndings()
    {
        _tree.Write("w.txt", "a\r\nb\r\nc\r\n");

        await RunAsync(new EditFileTool(), new { path = "w.txt", old_string = "a\nb", new_string = "a\nB" });

        _tree.Read("w.txt").ShouldBe("a\r\nB\r\nc\r\n");
    }

    [Fact]
    public async Task WriteFile_NewNestedFile_IsCreated()
    {
        var result = await RunAsync(new WriteFileTool(), new { path = "src/deep/new.txt", content = "one\ntwo\n" });

        result.Content.ShouldBe("created src/deep/new.txt (2 lines)");
        _tree.Read("src/deep/new.txt").ShouldBe("one\ntwo\n");
    }

    [Fact]
    public async Task WriteFile_ThroughSymlinkedFolder_IsRefusedAndNothingIsWrittenOutside()
    {
        Directory.CreateSymbolicLink(Path.Combine(_tree.Root, "out"), _tree.Outside);

        await Should.ThrowAsync<ToolException>(() => RunAsync(new WriteFileTool(), new { path = "out/planted.txt", content = "x" }));

        File.Exists(Path.Combine(_tree.Outside, "planted.txt")).ShouldBeFalse();
    }

    [Fact]
    public async Task ListFiles_SkipsGitAndHonoursTheGlob()
    {
        _tree.Write("src/a.js", "");
        _tree.Write("src/b.ts", "");
        _tree.Write(".git/config", "");

        var all = await RunAsync(new ListFilesTool(), new { });
        var js = await RunAsync(new ListFilesTool(), new { pattern = "**/*.js" });

        all.Content.Split('\n').ShouldBe(["src/a.js", "src/b.ts"]);
        js.Content.ShouldBe("src/a.js");
    }

    [Fact]
    public async Task Search_FindsMatchesWithPathAndLine()
    {
        _tree.Write("src/a.js", "const x = 1;\nfunction target() {}\n");
        _tree.Write("b.txt", "nothing here\n");

        var result = await RunAsync(new SearchTool(), new { pattern = "function \\w+", glob = "*.js" });

        result.Content.ShouldBe("src/a.js:2: function target() {}");
    }

    [Fact]
    public async Task Search_PatternLookingLikeAFlag_IsSearchedLiterally()
    {
        _tree.Write("a.txt", "--files\n");

        var result = await RunAsync(new SearchTool(), new { pattern = "--files" });

        result.Content.ShouldBe("a.txt:1: --files");
    }

    [Fact]
    public async Task Search_InvalidRegex_ReturnsRipgrepsMessage()
    {
        _tree.Write("a.txt", "x\n");

        (await Should.ThrowAsync<ToolException>(() => RunAsync(new SearchTool(), new { pattern = "(unclosed" }))).Message.ShouldContain("search failed");
    }

    public void Dispose() => _tree.Dispose();
}
