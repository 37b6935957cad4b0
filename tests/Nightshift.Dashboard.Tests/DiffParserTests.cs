using Nightshift.Server.Dashboard;

namespace Nightshift.Dashboard.Tests;

public sealed class DiffParserTests
{
    [Fact]
    public void Parse_TwoFilesWithHunks_CountsAddedAndRemovedLinesPerFile()
    {
        const string diff = "diff --git a/a.txt b/a.txt\nindex 1..2 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n"
            + "diff --git a/new.md b/new.md\nnew file mode 100644\n--- /dev/null\n+++ b/new.md\n@@ -0,0 +1,2 @@\n+# title\n+body\n";

        var files = DiffParser.Parse(diff);

        files.Select(f => f.Path).ShouldBe(["a.txt", "new.md"]);
        (files[0].Added, files[0].Removed).ShouldBe((1, 1));
        (files[1].Added, files[1].Removed).ShouldBe((2, 0));
        files[0].Hunks.Single().Lines.Select(l => l.Kind).ShouldBe([' ', '-', '+', ' ']);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a diff at all\n@@ nonsense")]
    [InlineData("diff --git")]
    public void Parse_MalformedOrEmpty_GivesNoFilesOrEmptyOnesWithoutThrowing(string diff)
    {
        var files = DiffParser.Parse(diff);

        files.Sum(f => f.Added + f.Removed).ShouldBe(0);
    }
}
