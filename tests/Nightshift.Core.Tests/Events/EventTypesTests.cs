using System.Reflection;
using Nightshift.Core.Events;
using Nightshift.Core.Tasks;

namespace Nightshift.Core.Tests.Events;

public sealed class EventTypesTests
{
    [Fact]
    public void Catalogue_EveryName_IsNounDotVerb()
    {
        var names = typeof(EventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        names.Count.ShouldBeGreaterThan(25);
        names.ShouldAllBe(n => EventTypes.IsWellFormed(n));
        names.Distinct().Count().ShouldBe(names.Count);
    }

    [Theory]
    [InlineData("Task.Queued")]
    [InlineData("task")]
    [InlineData("task.queued.extra")]
    [InlineData(".queued")]
    [InlineData("task.<script>")]
    [InlineData("")]
    [InlineData(null)]
    public void IsWellFormed_BadNames_AreRejected(string? name)
    {
        EventTypes.IsWellFormed(name).ShouldBeFalse();
    }

    [Fact]
    public void ForFinalStatus_EveryTerminalState_HasItsEvent()
    {
        foreach (var state in Enum.GetValues<TaskState>().Where(s => s.IsTerminal()))
        {
            EventTypes.ForFinalStatus(state).ShouldBe("task." + state.ToWire());
        }
        Should.Throw<ArgumentOutOfRangeException>(() => EventTypes.ForFinalStatus(TaskState.Running));
    }
}
