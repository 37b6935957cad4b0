using System.Text.RegularExpressions;

namespace Nightshift.Core.Tests.Events.Catalogue;

/// <summary>Event payloads are named records (src/Nightshift.Core/Events/Payloads), never anonymous objects.</summary>
public sealed partial class AnonymousPayloadScanTests
{
    [Fact]
    public void Sources_Everywhere_HaveNoAnonymousPayload()
    {
        var root = RepoRoot();
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal))
            {
                continue;
            }
            if (AnonymousPayload().IsMatch(File.ReadAllText(file)))
            {
                offenders.Add(relative);
            }
        }

        offenders.ShouldBeEmpty("these files serialize an anonymous object as an event payload: use (or add) a record in src/Nightshift.Core/Events/Payloads and its EventCatalogue entry");
    }

    [Theory]
    [InlineData("NightshiftJson.Payload(new { a = 1 })")]
    [InlineData("NightshiftJson.Payload(new\n        {\n            a,\n        })")]
    [InlineData("Core.Serialization.NightshiftJson.Payload( new {a})")]
    public void Pattern_AnonymousPayloads_AreFound(string code)
    {
        AnonymousPayload().IsMatch(code).ShouldBeTrue();
    }

    [Theory]
    [InlineData("NightshiftJson.Payload(new ToolCallPayload(a, b, c))")]
    [InlineData("NightshiftJson.Payload(payload)")]
    [InlineData("new { a = 1 }")]
    public void Pattern_RecordsAndOtherCode_AreNotFound(string code)
    {
        AnonymousPayload().IsMatch(code).ShouldBeFalse();
    }

    [GeneratedRegex(@"NightshiftJson\.Payload\(\s*new\s*\{")]
    private static partial Regex AnonymousPayload();

    private static string RepoRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Nightshift.slnx")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"no Nightshift.slnx above {AppContext.BaseDirectory}; the test reads the checkout's src folder");
    }
}
