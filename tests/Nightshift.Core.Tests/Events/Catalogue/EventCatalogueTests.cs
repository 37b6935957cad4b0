using System.Reflection;
using System.Xml.Linq;
using Nightshift.Core.Events;
using Nightshift.Core.Events.Catalogue;

namespace Nightshift.Core.Tests.Events.Catalogue;

public sealed class EventCatalogueTests
{
    [Fact]
    public void Entries_EveryEventTypesConstant_HasExactlyOneEntry()
    {
        var missing = EventCatalogue.AllTypes().Where(t => EventCatalogue.Find(t) is null).ToList();

        missing.ShouldBeEmpty($"EventTypes constants with no entry in EventCatalogue.Entries (src/Nightshift.Core/Events/Catalogue): {string.Join(", ", missing)}; add one naming its payload record");
        EventCatalogue.Entries.Select(e => e.Type).ShouldBeUnique();
        EventCatalogue.Entries.Select(e => e.Type).ShouldBeSubsetOf(EventCatalogue.AllTypes());
        EventCatalogue.Entries.ShouldAllBe(e => e.Description.Length > 10 && e.Description.EndsWith('.'));
    }

    [Fact]
    public void Entries_EveryPayload_IsASealedRecordOfThePayloadNamespace()
    {
        foreach (var payload in EventCatalogue.Entries.Select(e => e.Payload).Distinct())
        {
            payload.Namespace.ShouldBe(EventCatalogue.PayloadNamespace);
            payload.IsSealed.ShouldBeTrue(payload.Name);
            payload.GetMethod("<Clone>$").ShouldNotBeNull($"{payload.Name} is not a record");
            payload.GetProperties().ShouldAllBe(p => p.PropertyType != typeof(object), $"{payload.Name} has a member of type object: name its shape");
        }
    }

    [Fact]
    public void InterfacesDoc_CatalogueSection_MatchesTheRecords()
    {
        var rendered = EventCatalogueMarkdown.Render(CoreDocs());
        var path = Environment.GetEnvironmentVariable("NIGHTSHIFT_WRITE_EVENT_CATALOGUE");
        if (!string.IsNullOrEmpty(path))
        {
            File.WriteAllText(path, EventCatalogueMarkdown.Splice(File.ReadAllText(path), rendered));
        }
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "INTERFACES.md"));

        var current = EventCatalogueMarkdown.Extract(doc);

        current.ShouldNotBeNull($"docs/INTERFACES.md has no {EventCatalogueMarkdown.StartMarker} … {EventCatalogueMarkdown.EndMarker} section");
        current.ShouldBe(rendered, $"docs/INTERFACES.md's event catalogue differs from the payload records; write it anew with: {EventCatalogueMarkdown.RegenerateCommand}");
    }

    [Fact]
    public void Render_EveryCatalogueEvent_IsInTheSection()
    {
        var rendered = EventCatalogueMarkdown.Render(CoreDocs());

        foreach (var type in EventCatalogue.AllTypes())
        {
            rendered.ShouldContain($"| `{type}` |");
        }
        rendered.ShouldContain("| `attempts` | [TaskAttemptReason] |");
        rendered.ShouldContain("### OutOfScopeEntry");
        rendered.ShouldContain("| `edges` | [{from, to}] |");
    }

    [Fact]
    public void Render_RecordWithoutSummary_SaysWhichRecordToDocument()
    {
        var docs = CoreDocs();
        docs.Descendants("member").First(m => m.Attribute("name")?.Value == "T:Nightshift.Core.Events.Payloads.TaskPhasePayload").Remove();

        var failure = Should.Throw<InvalidOperationException>(() => EventCatalogueMarkdown.Render(docs));

        failure.Message.ShouldContain("TaskPhasePayload has no <summary>");
    }

    [Fact]
    public void Render_MemberWithoutParam_SaysWhichMemberToDocument()
    {
        var docs = CoreDocs();
        docs.Descendants("member").First(m => m.Attribute("name")?.Value == "T:Nightshift.Core.Events.Payloads.ToolCallPayload")
            .Elements("param").First(p => p.Attribute("name")?.Value == "Arguments").Remove();
        // The compiler also gives a positional record's property its <param> text as a summary; that goes too.
        docs.Descendants("member").Where(m => m.Attribute("name")?.Value == "P:Nightshift.Core.Events.Payloads.ToolCallPayload.Arguments").Remove();

        var failure = Should.Throw<InvalidOperationException>(() => EventCatalogueMarkdown.Render(docs));

        failure.Message.ShouldContain("ToolCallPayload.Arguments has no <param>");
    }

    [Fact]
    public void Render_EmptyDocs_Throws()
    {
        Should.Throw<InvalidOperationException>(() => EventCatalogueMarkdown.Render(new XDocument(new XElement("doc"))));
    }

    [Fact]
    public void Render_HostileDocText_IsKeptInsideItsTableCell()
    {
        var docs = CoreDocs();
        var param = docs.Descendants("member").First(m => m.Attribute("name")?.Value == "T:Nightshift.Core.Events.Payloads.TaskPhasePayload")
            .Elements("param").First();
        param.Value = "a | b\n\n| c |";

        var rendered = EventCatalogueMarkdown.Render(docs);

        rendered.ShouldContain("| `phase` | string | a \\| b \\| c \\| |");
    }

    [Fact]
    public void Splice_DocumentWithSection_ReplacesOnlyTheSection()
    {
        var document = $"before\n{EventCatalogueMarkdown.StartMarker}\nold\n{EventCatalogueMarkdown.EndMarker}\nafter\n";
        var section = $"{EventCatalogueMarkdown.StartMarker}\nnew\n{EventCatalogueMarkdown.EndMarker}";

        var spliced = EventCatalogueMarkdown.Splice(document, section);

        spliced.ShouldBe($"before\n{section}\nafter\n");
        EventCatalogueMarkdown.Extract(spliced).ShouldBe(section);
    }

    [Theory]
    [InlineData("no markers at all")]
    [InlineData("<!-- event-catalogue:end --> before <!-- event-catalogue:start -->")]
    [InlineData("<!-- event-catalogue:start --> and no end")]
    [InlineData("")]
    public void Splice_MissingOrMisorderedMarkers_SaysWhatToAdd(string document)
    {
        var failure = Should.Throw<InvalidOperationException>(() => EventCatalogueMarkdown.Splice(document, "x"));

        failure.Message.ShouldContain(EventCatalogueMarkdown.StartMarker);
        EventCatalogueMarkdown.Extract(document).ShouldBeNull();
    }

    private static XDocument CoreDocs()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Nightshift.Core.xml");
        File.Exists(path).ShouldBeTrue($"{path} is missing: Nightshift.Core must build with GenerateDocumentationFile");
        return XDocument.Load(path);
    }

    private static string RepoRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Nightshift.slnx")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"no Nightshift.slnx above {AppContext.BaseDirectory}; run the tests from a checkout");
    }
}
