using Nightshift.Server.Dashboard;

namespace Nightshift.Dashboard.Tests;

/// <summary>The plan's drawing: left to right on wide screens, top to bottom within a phone's width.</summary>
public sealed class PlanGraphTests
{
    // a → b, a → c, b and c → d: a diamond, with a wide layer of two.
    private const string Diamond = """
        {"subtasks":[
          {"id":"a","title":"First","description":"x","depends_on":[]},
          {"id":"b","title":"Left","description":"x","depends_on":["a"]},
          {"id":"c","title":"Right","description":"x","depends_on":["a"]},
          {"id":"d","title":"Join them all together, a title far too long for one node","description":"x","depends_on":["b","c"]}]}
        """;

    [Fact]
    public void Build_Narrow_PutsOneSubtaskPerRowInDependencyOrderWithinAPhonesWidth()
    {
        var graph = PlanGraph.Build(Diamond, [], narrow: true).ShouldNotBeNull();

        graph.Narrow.ShouldBeTrue();
        graph.Nodes.Select(n => n.Id).ShouldBe(["a", "b", "c", "d"]);
        graph.Nodes.Select(n => n.X).Distinct().ShouldHaveSingleItem();
        graph.Nodes.Select(n => n.Y).ShouldBeInOrder(SortDirection.Ascending);
        graph.Nodes.Select(n => n.Y).Distinct().Count().ShouldBe(4);
        // A 375 px phone leaves about 300 px inside the page's padding and the panel's.
        graph.Width.ShouldBeLessThanOrEqualTo(300);
        graph.Nodes.ShouldAllBe(n => n.X + graph.NodeWidth <= graph.Width);
    }

    [Fact]
    public void Build_Wide_PutsEachSubtaskOneColumnRightOfItsDeepestDependency()
    {
        var graph = PlanGraph.Build(Diamond, []).ShouldNotBeNull();

        graph.Narrow.ShouldBeFalse();
        var x = graph.Nodes.ToDictionary(n => n.Id, n => n.X);
        x["a"].ShouldBeLessThan(x["b"]);
        x["b"].ShouldBe(x["c"]);
        x["c"].ShouldBeLessThan(x["d"]);
        graph.Width.ShouldBeGreaterThan(600);
    }

    [Fact]
    public void EdgePath_NarrowNeighbours_RunStraightDownAndFartherRowsThroughTheGutter()
    {
        var graph = PlanGraph.Build(Diamond, [], narrow: true).ShouldNotBeNull();
        var n = graph.Nodes.ToDictionary(node => node.Id);

        var down = graph.EdgePath(n["a"], n["b"]);
        var around = graph.EdgePath(n["a"], n["c"]);

        down.ShouldContain(" L ");
        around.ShouldContain(" C ");
        // Through the gutter: the curve's control points lie left of the nodes, yet inside the drawing.
        var reach = double.Parse(around.Split(' ')[4], System.Globalization.CultureInfo.InvariantCulture);
        reach.ShouldBeLessThan(n["a"].X);
        reach.ShouldBeGreaterThanOrEqualTo(0);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"subtasks":[]}""")]
    [InlineData("""{"subtasks":"many"}""")]
    public void Build_NotAPlanOfSubtasks_IsNullInBothLayouts(string? plan)
    {
        PlanGraph.Build(plan, []).ShouldBeNull();
        PlanGraph.Build(plan, [], narrow: true).ShouldBeNull();
    }
}
