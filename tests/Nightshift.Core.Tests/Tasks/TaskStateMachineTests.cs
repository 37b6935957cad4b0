using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;

namespace Nightshift.Core.Tests.Tasks;

public sealed class TaskStateMachineTests
{
    private static readonly (TaskState From, TaskState To)[] Legal =
    [
        (TaskState.Queued, TaskState.Running),
        (TaskState.Queued, TaskState.Cancelled),
        (TaskState.Running, TaskState.Queued),
        (TaskState.Running, TaskState.AwaitingApproval),
        (TaskState.Running, TaskState.AwaitingInput),
        (TaskState.AwaitingInput, TaskState.Queued),
        (TaskState.AwaitingInput, TaskState.Cancelled),
        (TaskState.Running, TaskState.Succeeded),
        (TaskState.Running, TaskState.Failed),
        (TaskState.Running, TaskState.Cancelled),
        (TaskState.Running, TaskState.TimedOut),
        (TaskState.Running, TaskState.NeedsReview),
        (TaskState.Running, TaskState.Dead),
        (TaskState.AwaitingApproval, TaskState.Queued),
        (TaskState.AwaitingApproval, TaskState.Cancelled),
        (TaskState.AwaitingApproval, TaskState.TimedOut),
        (TaskState.AwaitingApproval, TaskState.Failed),
        (TaskState.Failed, TaskState.Queued),
        (TaskState.Cancelled, TaskState.Queued),
        (TaskState.TimedOut, TaskState.Queued),
        (TaskState.NeedsReview, TaskState.Queued),
        (TaskState.Dead, TaskState.Queued),
    ];

    public static TheoryData<TaskState, TaskState> AllPairs()
    {
        var data = new TheoryData<TaskState, TaskState>();
        foreach (var from in Enum.GetValues<TaskState>())
        {
            foreach (var to in Enum.GetValues<TaskState>())
            {
                data.Add(from, to);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void CanMove_EveryPair_MatchesTheDocumentedTable(TaskState from, TaskState to)
    {
        TaskStateMachine.CanMove(from, to).ShouldBe(Legal.Contains((from, to)), $"{from} → {to}");
    }

    [Fact]
    public void EnsureCanMove_FromSucceeded_RefusesEverythingAndSaysItIsFinal()
    {
        foreach (var to in Enum.GetValues<TaskState>())
        {
            var error = Should.Throw<InvalidTransitionException>(() => TaskStateMachine.EnsureCanMove("t1", TaskState.Succeeded, to));
            error.Message.ShouldContain("task t1 is succeeded");
            error.Message.ShouldContain("it is final");
        }
    }

    [Fact]
    public void EnsureCanMove_IllegalMove_NamesTheStatesAndTheAllowedOnes()
    {
        var error = Should.Throw<InvalidTransitionException>(() => TaskStateMachine.EnsureCanMove("abc", TaskState.Queued, TaskState.Succeeded));

        error.From.ShouldBe(TaskState.Queued);
        error.To.ShouldBe(TaskState.Succeeded);
        error.Message.ShouldBe("task abc is queued and cannot become succeeded: from there it can only become running, cancelled");
    }

    [Fact]
    public void TerminalStates_AreExactlyTheFinalOnes()
    {
        Enum.GetValues<TaskState>().Where(s => s.IsTerminal()).ShouldBe(
            [TaskState.Succeeded, TaskState.Failed, TaskState.Cancelled, TaskState.TimedOut, TaskState.NeedsReview, TaskState.Dead],
            ignoreOrder: true);
    }

    [Theory]
    [InlineData(TaskState.Running, TaskPhase.AwaitingApproval)]
    [InlineData(TaskState.AwaitingApproval, TaskPhase.Building)]
    public void EnsurePhaseFits_PhaseThatDoesNotApply_Throws(TaskState status, TaskPhase phase)
    {
        Should.Throw<InvalidTransitionException>(() => TaskStateMachine.EnsurePhaseFits("t", status, phase));
    }

    [Theory]
    [InlineData(TaskState.Running, TaskPhase.Building)]
    [InlineData(TaskState.AwaitingApproval, TaskPhase.AwaitingApproval)]
    public void EnsurePhaseFits_PhaseThatApplies_DoesNotThrow(TaskState status, TaskPhase phase)
    {
        TaskStateMachine.EnsurePhaseFits("t", status, phase);
    }

    [Fact]
    public void WireNames_RoundTripForEveryStateAndPhase()
    {
        foreach (var state in Enum.GetValues<TaskState>())
        {
            TaskStateNames.ParseStatus(state.ToWire()).ShouldBe(state);
        }
        foreach (var phase in Enum.GetValues<TaskPhase>())
        {
            TaskStateNames.ParsePhase(phase.ToWire()).ShouldBe(phase);
        }
        Should.Throw<FormatException>(() => TaskStateNames.ParseStatus("done")).Message.ShouldContain("expected one of: queued, running");
    }
}
