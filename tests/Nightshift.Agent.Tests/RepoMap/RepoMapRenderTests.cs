using Nightshift.Agent.RepoMap;
using Nightshift.TestKit;
using Map = Nightshift.Agent.RepoMap.RepoMap;

namespace Nightshift.Agent.Tests.RepoMap;

public sealed class RepoMapRenderTests
{
    [Fact]
    public async Task Render_AnyBudget_StaysWithinItAndShowsMoreWithMore()
    {
        using var repo = new SampleRepo();
        for (var i = 0; i < 300; i++)
        {
            repo.Write($"lib/module{i:000}/file{i:000}.ts", $"// Module number {i}.\nimport {{ Cart }} from '../../src/cart';\nexport function run{i}() {{}}\nexport class Thing{i} {{}}\n");
        }
        var map = await new RepoMapBuilder().BuildAsync(repo.Root, null, new RepoMapOptions { UseCtags = false }, TestDefaults.TimeoutToken());

        var previous = -1;
        foreach (var budget in new[] { 0, 10, 40, 100, 500, 2_000, 8_000, 100_000 })
        {
            var text = map.Render(budget);
            Map.EstimateTokens(text).ShouldBeLessThanOrEqualTo(budget, $"budget {budget}");
            text.Length.ShouldBeGreaterThanOrEqualTo(previous);
            previous = text.Length;
        }
        map.Render(100_000).ShouldNotContain("more files not shown");
        map.Render(500).ShouldContain("more files not shown");
    }

    [Fact]
    public async Task Render_SmallBudget_PutsTheMostImportedFileAndEntryPointsFirst()
    {
        using var repo = new SampleRepo();
        for (var i = 0; i < 100; i++)
        {
            repo.Write($"lib/m{i:000}.ts", $"import {{ Cart }} from '../src/cart';\nexport function f{i}() {{}}\n");
        }
        var map = await new RepoMapBuilder().BuildAsync(repo.Root, null, new RepoMapOptions { UseCtags = false }, TestDefaults.TimeoutToken());

        var text = map.Render(150);

        map.Files.Single(f => f.Path == "src/cart.ts").ReferencedBy.ShouldBe(102);
        text.ShouldContain("src/cart.ts [imported by 102] — Shopping cart logic.");
        text.ShouldContain("class Cart:2");
        text.ShouldContain("src/app.ts");
        text.ShouldNotContain("lib/m099.ts");
    }

    [Fact]
    public async Task Render_FocusWords_BringMatchingFilesIn()
    {
        using var repo = new SampleRepo();
        for (var i = 0; i < 100; i++)
        {
            repo.Write($"lib/m{i:000}.ts", $"import {{ Cart }} from '../src/cart';\nexport function f{i}() {{}}\n");
        }
        repo.Write("deep/a/b/c/invoice_mailer.py", "# Sends invoices by mail.\ndef send_invoice():\n    pass\n");
        var map = await new RepoMapBuilder().BuildAsync(repo.Root, null, new RepoMapOptions { UseCtags = false }, TestDefaults.TimeoutToken());

        map.Render(150).ShouldNotContain("invoice_mailer");
        map.Render(150, ["Invoice", "a", ""]).ShouldContain("deep/a/b/c/invoice_mailer.py — Sends invoices by mail.");
        map.Render(150, ["send_invoice"]).ShouldContain("function send_invoice:2");
    }

    [Fact]
    public void Render_NegativeBudget_IsEmpty()
    {
        var map = new Map(null, [new RepoMapFile("a.cs", "csharp", null, [], [], 0, 1, "h")], new RepoMapStats(1, 1, 1, 0, false, false, TimeSpan.Zero));

        map.Render(-5).ShouldBe("");
    }
}
