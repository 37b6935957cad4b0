using System.Text.Json;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Serialization;

namespace Nightshift.Core.Tests.Events.Payloads;

/// <summary>
/// The subtask payload records against the anonymous objects they replaced: stored events, the dashboard and the CLI
/// read these shapes, so the bytes must not move.
/// </summary>
public sealed class SubtaskPayloadTests
{
    [Fact]
    public void Payload_SubtaskStarted_SameBytesAsBefore()
    {
        var record = new SubtaskStartedPayload("b", "Add \"quotes\" & <tags>", 1, 4, ["a"], "own");
        var legacy = new { id = "b", title = "Add \"quotes\" & <tags>", index = 1, total = 4, dependsOn = new[] { "a" }, worktree = "own" };

        NightshiftJson.Payload(record).ShouldBe(NightshiftJson.Payload(legacy));
        NightshiftJson.Payload(record).ShouldBe("""{"id":"b","title":"Add \u0022quotes\u0022 \u0026 \u003Ctags\u003E","index":1,"total":4,"dependsOn":["a"],"worktree":"own"}""");
    }

    [Fact]
    public void Payload_SubtaskStartedWithoutDependencies_WritesNullAsBefore() =>
        NightshiftJson.Payload(new SubtaskStartedPayload("a", "A", 0, 1, null, "task"))
            .ShouldBe("""{"id":"a","title":"A","index":0,"total":1,"dependsOn":null,"worktree":"task"}""");

    [Fact]
    public void Payload_SubtaskCompletedAndFailed_SameBytesAsBefore()
    {
        var completed = new SubtaskCompletedPayload("a", new string('c', 40), "Wrote a.txt", 3, null);
        var failed = new SubtaskFailedPayload("b", null, null, 0, "the step budget ran out");

        NightshiftJson.Payload(completed).ShouldBe(NightshiftJson.Payload(new { id = "a", commit = new string('c', 40), summary = "Wrote a.txt", steps = 3, reason = (string?)null }));
        NightshiftJson.Payload(failed).ShouldBe("""{"id":"b","commit":null,"summary":null,"steps":0,"reason":"the step budget ran out"}""");
    }

    [Fact]
    public void Payload_CommitCreated_EachOfItsThreeShapesAsBefore()
    {
        var commit = new string('f', 40);
        var inTask = new CommitCreatedPayload(commit) { Branch = "nightshift/t1", Files = ["a.txt", "dir/b.txt"], Subtask = "a" };
        var ownBranch = new CommitCreatedPayload(commit) { Subtask = "b", Merged = false };
        var final = new CommitCreatedPayload(commit) { Branch = "nightshift/t1", Files = [] };

        NightshiftJson.Payload(inTask).ShouldBe(NightshiftJson.Payload(new { commit, branch = "nightshift/t1", files = new[] { "a.txt", "dir/b.txt" }, subtask = "a" }));
        NightshiftJson.Payload(ownBranch).ShouldBe(NightshiftJson.Payload(new { commit, subtask = "b", merged = false }));
        NightshiftJson.Payload(final).ShouldBe(NightshiftJson.Payload(new { commit, branch = "nightshift/t1", files = Array.Empty<string>() }));
        NightshiftJson.Payload(ownBranch).ShouldBe($$"""{"commit":"{{commit}}","subtask":"b","merged":false}""");
    }

    [Fact]
    public void Deserialize_StoredCommitCreatedOfEachShape_ReadsBackWhatWasWritten()
    {
        string[] stored =
        [
            """{"commit":"abc","branch":"nightshift/t1","files":["a.txt"],"subtask":"a"}""",
            """{"commit":"abc","subtask":"b","merged":false}""",
            """{"commit":"abc","branch":"nightshift/t1","files":[]}""",
        ];

        foreach (var json in stored)
        {
            var read = JsonSerializer.Deserialize<CommitCreatedPayload>(json, NightshiftJson.Options).ShouldNotBeNull();
            NightshiftJson.Payload(read).ShouldBe(json);
        }
    }

    [Theory]
    [InlineData("""{"id":"a","commit":null,"summary":null,"steps":"many","reason":null}""")]
    [InlineData("""{"id":"a","commit":7,"summary":null,"steps":1,"reason":null}""")]
    [InlineData("""[1,2]""")]
    public void Deserialize_MalformedSubtaskPayload_Refused(string json) =>
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<SubtaskCompletedPayload>(json, NightshiftJson.Options));
}
