using System.Text.Json;
using System.Text.Json.Nodes;
using Nightshift.Core.Events.Catalogue;
using Nightshift.Core.Events.Payloads;
using Nightshift.Core.Planning;
using Nightshift.Core.Serialization;

namespace Nightshift.Core.Tests.Events.Payloads;

/// <summary>
/// Each payload record against the JSON the anonymous objects (and the store's field lists) wrote before the records
/// existed: stored events, the dashboard and the CLI read that shape, so it must not move by a byte.
/// </summary>
public sealed class PayloadShapeTests
{
    private static readonly DateTimeOffset When = new(2026, 3, 4, 5, 6, 7, 89, TimeSpan.Zero);

    /// <summary>Every record a test below pins; the last test checks the catalogue names no other.</summary>
    private static readonly Type[] Pinned =
    [
        typeof(TaskQueuedPayload), typeof(TaskStartedPayload), typeof(TaskPhasePayload), typeof(TaskCancelRequestedPayload),
        typeof(TaskReleasedPayload), typeof(TaskRetryingPayload), typeof(TaskFinishedPayload), typeof(TaskDeadPayload),
        typeof(TaskCheckpointPayload), typeof(PlanAwaitingApprovalPayload), typeof(PlanApprovedPayload), typeof(PlanRejectedPayload),
        typeof(WorkspaceReadyPayload), typeof(PlanPartialPayload), typeof(PlanReadyPayload), typeof(PlanSkippedPayload),
        typeof(PlanFallbackPayload), typeof(PlanCycleRecoveryPayload), typeof(SubtaskSkippedPayload), typeof(SubtaskMergedPayload),
        typeof(SubtaskConflictedPayload), typeof(ModelRequestPayload), typeof(ModelResponsePayload), typeof(ModelFallbackPayload),
        typeof(ToolCallPayload), typeof(ToolResultPayload), typeof(CommandOutputPayload), typeof(ContextCompactedPayload),
        typeof(VerifyStartedPayload), typeof(VerifyBaselinePayload), typeof(VerifyVerdictPayload), typeof(VerifyDebugModePayload),
        typeof(NetworkDecisionPayload), typeof(NetworkCappedPayload), typeof(LimitsCappedPayload), typeof(BranchPushedPayload), typeof(PrOpenedPayload),
        typeof(TaskMessagePayload), typeof(TaskQuestionPayload), typeof(TaskAnsweredPayload),
        typeof(SetupCacheHitPayload), typeof(SetupCacheMissPayload),
        typeof(RunStartedPayload), typeof(RunFinishedPayload), typeof(StepStartedPayload), typeof(StepSkippedPayload),
        typeof(StepAwaitingApprovalPayload), typeof(StepDecisionPayload), typeof(StepFinishedPayload),
        // Pinned against literal JSON in SubtaskPayloadTests.
        typeof(SubtaskStartedPayload), typeof(SubtaskCompletedPayload), typeof(SubtaskFailedPayload), typeof(CommitCreatedPayload),
    ];

    [Fact]
    public void TaskQueued_SubmitAndRetry_WriteTheStoresShapes()
    {
        Same(new TaskQueuedPayload("https://example.test/r.git", "Fix it", 5, "cli", When),
            """{"repo":"https://example.test/r.git","title":"Fix it","priority":5,"source":"cli","runAfter":"2026-03-04T05:06:07.089+00:00"}""");
        Same(new TaskQueuedPayload("/srv/r", null, 0, "api"), """{"repo":"/srv/r","priority":0,"source":"api"}""");
        Same(new TaskQueuedPayload(Retry: true, PreviousStatus: "dead"), """{"retry":true,"previousStatus":"dead"}""");
    }

    [Fact]
    public void Conversation_MessageQuestionAnswered_WriteTheAgreedShapes()
    {
        Same(new TaskMessagePayload("ada", "api", "use v2\nplease"), """{"author":"ada","source":"api","text":"use v2\nplease"}""");
        Same(new TaskQuestionPayload("v1 or v2?", When, "use your judgement"), """{"question":"v1 or v2?","timesOutAt":"2026-03-04T05:06:07.089+00:00","defaultAnswer":"use your judgement"}""");
        Same(new TaskAnsweredPayload("ada", "dashboard", "v2", false), """{"author":"ada","source":"dashboard","answer":"v2","timedOut":false}""");
        Same(new TaskAnsweredPayload("nightshift", "timeout", "default", true), """{"author":"nightshift","source":"timeout","answer":"default","timedOut":true}""");
    }

    [Fact]
    public void StoreEvents_Simple_WriteTheStoresShapes()
    {
        Same(new TaskStartedPayload(2, "worker-1"), """{"attempt":2,"worker":"worker-1"}""");
        Same(new TaskPhasePayload("building"), """{"phase":"building"}""");
        Same(new TaskCancelRequestedPayload("stop"), """{"reason":"stop"}""");
        Same(new TaskCancelRequestedPayload(), "{}");
        Same(new TaskReleasedPayload(1), """{"attempt":1}""");
        Same(new TaskReleasedPayload(1, "shutting down"), """{"attempt":1,"reason":"shutting down"}""");
        Same(new TaskRetryingPayload("boom", 1, When), """{"reason":"boom","attempt":1,"runAfter":"2026-03-04T05:06:07.089+00:00"}""");
        Same(new TaskCheckpointPayload(1234), """{"bytes":1234}""");
        Same(new PlanAwaitingApprovalPayload(1), """{"attempt":1}""");
        Same(new PlanApprovedPayload(true), """{"planReplaced":true}""");
        Same(new PlanRejectedPayload(), "{}");
        Same(new PlanRejectedPayload("too big"), """{"reason":"too big"}""");
    }

    [Fact]
    public void TaskFinished_EveryWayATaskEnds_WritesTheStoresShapes()
    {
        Same(new TaskFinishedPayload(Branch: "ns/t-1", PullRequest: "local:t-1", Attempt: 1), """{"branch":"ns/t-1","pullRequest":"local:t-1","attempt":1}""");
        Same(new TaskFinishedPayload(Reason: "cancelled on request", Attempt: 2), """{"reason":"cancelled on request","attempt":2}""");
        Same(new TaskFinishedPayload(Reason: "x", WaitingSince: When, ApprovalTimeoutSeconds: 604800),
            """{"reason":"x","waitingSince":"2026-03-04T05:06:07.089+00:00","approvalTimeoutSeconds":604800}""");
        Same(new TaskFinishedPayload(Phase: "building", DeadlineSeconds: 3600, Abandoned: false, Reason: "late", Attempt: 1),
            """{"phase":"building","deadlineSeconds":3600,"abandoned":false,"reason":"late","attempt":1}""");
        Same(new TaskFinishedPayload(
                Verification: "2 commands passed", OutOfScope: [new OutOfScopeEntry("t1", "flaky upstream")], StillFailing: ["t1"],
                Reason: "review", Branch: "b", PullRequest: "p", Attempt: 1),
            """{"verification":"2 commands passed","outOfScope":[{"test":"t1","reason":"flaky upstream"}],"stillFailing":["t1"],"reason":"review","branch":"b","pullRequest":"p","attempt":1}""");
        Same(new TaskFinishedPayload(Phase: "preparing", Limit: "task.disk", LimitValue: 2097152, LimitUsed: 3000000, Reason: "full", Attempt: 1),
            """{"phase":"preparing","limit":"task.disk","limitValue":2097152,"limitUsed":3000000,"reason":"full","attempt":1}""");
        Same(new TaskFinishedPayload(Answer: "42", Summary: "answered", Attempt: 1), """{"answer":"42","summary":"answered","attempt":1}""");
        Same(new TaskFinishedPayload(), "{}");
        Same(new TaskFinishedPayload(Error: "the daily budget of $5.00 is used up", Budget: new BudgetFigures("day", 5.0m, 5.12m), Reason: "budget_exhausted", Attempt: 1),
            """{"error":"the daily budget of $5.00 is used up","budget":{"kind":"day","limitUsd":5.0,"spentUsd":5.12},"reason":"budget_exhausted","attempt":1}""");
    }

    [Fact]
    public void TaskDead_EveryAttempt_WritesTheStoresShape()
    {
        Same(new TaskDeadPayload("gave up", 2, [new TaskAttemptReason(1, "a"), new TaskAttemptReason(2, "b")]),
            """{"reason":"gave up","attempt":2,"attempts":[{"attempt":1,"reason":"a"},{"attempt":2,"reason":"b"}]}""");
    }

    [Fact]
    public void ExecutorEvents_Workspace_And_Plan_WriteTheAnonymousShapes()
    {
        Same(new WorkspaceReadyPayload("ns/t", "main", "abc", false), """{"branch":"ns/t","baseBranch":"main","baseCommit":"abc","resumed":false}""");
        Same(new PlanPartialPayload(1, 0, new JsonObject { ["id"] = "a", ["title"] = "A" }), """{"submission":1,"index":0,"subtask":{"id":"a","title":"A"}}""");
        Same(new PlanReadyPayload(
                "planned",
                [new PlanReadySubtask("a", "A", "do a", [], 1, ["x.cs"], ["it works"], "f1"), new PlanReadySubtask("b", "B", "do b", ["a"], 0, [], [], null)],
                [new PlanEdge("a", "b")],
                [["a"], ["b"]],
                false),
            """{"mode":"planned","subtasks":[{"id":"a","title":"A","description":"do a","dependsOn":[],"priority":1,"files":["x.cs"],"acceptance":["it works"],"fingerprint":"f1"},{"id":"b","title":"B","description":"do b","dependsOn":["a"],"priority":0,"files":[],"acceptance":[],"fingerprint":null}],"edges":[{"from":"a","to":"b"}],"waves":[["a"],["b"]],"approved":false}""");
        Same(new PlanSkippedPayload("auto", "short"), """{"planning":"auto","reason":"short"}""");
        Same(new PlanFallbackPayload("no plan", 3), """{"reason":"no plan","submissions":3}""");
        Same(new PlanCycleRecoveryPayload("ask_model", false, "asked", ["a → b → a"], [new PlanEdge("b", "a")]),
            """{"rung":"ask_model","succeeded":false,"message":"asked","cycles":["a \u2192 b \u2192 a"],"droppedEdges":[{"from":"b","to":"a"}]}""");
    }

    [Fact]
    public void ExecutorEvents_Subtasks_WriteTheAnonymousShapes()
    {
        Same(new SubtaskSkippedPayload("a", null, "dependency failed"), """{"id":"a","commit":null,"reason":"dependency failed"}""");
        Same(new SubtaskMergedPayload("a", "c1", "c0", true), """{"id":"a","commit":"c1","subtaskCommit":"c0","conflictResolved":true}""");
        Same(new SubtaskConflictedPayload("a", ["x.cs"], "h", "s", ["b"]), """{"id":"a","paths":["x.cs"],"headCommit":"h","subtaskCommit":"s","mergedSubtasks":["b"]}""");
    }

    [Fact]
    public void ExecutorEvents_ModelAndTools_WriteTheAnonymousShapes()
    {
        Same(new ModelRequestPayload("build", 1, 3, 1200), """{"role":"build","step":1,"messages":3,"estimatedTokens":1200}""");
        Same(new ModelResponsePayload("plan", 2, "openai", "gpt", 10, 20, 5, 0.0125m, true, 1, 950, "hi"),
            """{"role":"plan","step":2,"provider":"openai","model":"gpt","inputTokens":10,"outputTokens":20,"cachedTokens":5,"costUsd":0.0125,"costKnown":true,"toolCalls":1,"durationMs":950,"text":"hi"}""");
        Same(new ModelResponsePayload("build", 1, "p", "m", 0, 0, 0, null, false, 0, 0, null),
            """{"role":"build","step":1,"provider":"p","model":"m","inputTokens":0,"outputTokens":0,"cachedTokens":0,"costUsd":null,"costKnown":false,"toolCalls":0,"durationMs":0,"text":null}""");
        Same(new ModelFallbackPayload("a/x", "b/y", "RateLimited", "429"), """{"from":"a/x","to":"b/y","kind":"RateLimited","reason":"429"}""");
        Same(new ToolCallPayload("c1", "read_file", """{"path":"a"}"""), """{"callId":"c1","tool":"read_file","arguments":"{\u0022path\u0022:\u0022a\u0022}"}""");
        Same(new ToolResultPayload("c1", "read_file", false, 12, "text <b>&"), """{"callId":"c1","tool":"read_file","isError":false,"durationMs":12,"content":"text \u003Cb\u003E\u0026"}""");
        Same(new CommandOutputPayload("verify", "dotnet test", ["ok", "done"]), """{"purpose":"verify","command":"dotnet test","lines":["ok","done"]}""");
        Same(new ContextCompactedPayload(10, 9000, 2000), """{"removedMessages":10,"estimatedTokensBefore":9000,"estimatedTokensAfter":2000}""");
    }

    [Fact]
    public void ExecutorEvents_Verification_WriteTheAnonymousShapes()
    {
        Same(new VerifyStartedPayload(false, 2, ["make test"]), """{"baseline":false,"round":2,"commands":["make test"]}""");
        Same(new VerifyStartedPayload(true, null, ["make test"]), """{"baseline":true,"commands":["make test"]}""");
        Same(new VerifyBaselinePayload(false, ["t1"]), """{"passed":false,"failingTests":["t1"]}""");
        Same(new VerifyVerdictPayload(1, "1 new failure", ["t2"], ["t1"], [new OutOfScopeEntry("t1", "why")], false),
            """{"round":1,"summary":"1 new failure","newFailures":["t2"],"preExistingFailures":["t1"],"outOfScope":[{"test":"t1","reason":"why"}],"skipped":false}""");
        Same(new VerifyDebugModePayload(3, "sig", "NullReference", 2), """{"round":3,"signature":"sig","failure":"NullReference","failedRounds":2}""");
    }

    [Fact]
    public void ExecutorEvents_NetworkAndPublish_WriteTheAnonymousShapes()
    {
        Same(new NetworkDecisionPayload("setup", "npm ci", "registry.test", 443, "CONNECT", null, "the name did not resolve"),
            """{"phase":"setup","command":"npm ci","host":"registry.test","port":443,"method":"CONNECT","address":null,"reason":"the name did not resolve"}""");
        Same(new NetworkCappedPayload(["agent"], "capped"), """{"phases":["agent"],"message":"capped"}""");
        Same(new LimitsCappedPayload([new LimitCap("command.memory", 8L << 30, 4L << 30)], "capped"),
            """{"limits":[{"limit":"command.memory","asked":8589934592,"allowed":4294967296}],"message":"capped"}""");
        Same(new NetworkCappedPayload(["setup", "agent"], "capped", [new NetworkCapEntry("setup", "allowlist", "allowlist", ["evil.example.com"]), new NetworkCapEntry("agent", "on", "off")]),
            """{"phases":["setup","agent"],"message":"capped","caps":[{"phase":"setup","asked":"allowlist","got":"allowlist","refusedHosts":["evil.example.com"]},{"phase":"agent","asked":"on","got":"off"}]}""");
        Same(new BranchPushedPayload("ns/t", "/srv/r.git"), """{"branch":"ns/t","remote":"/srv/r.git"}""");
        Same(new PrOpenedPayload("local", "local:t", "Fix", true), """{"forge":"local","reference":"local:t","title":"Fix","draft":true}""");
    }

    [Fact]
    public void PipelineRuns_EveryRunAndStepEvent_WritesItsShape()
    {
        Same(new RunStartedPayload("nightly", "/srv/r", "nightshift/run-1a2b3c4d", "schedule", new Dictionary<string, string> { ["package"] = "left-pad" }),
            """{"pipeline":"nightly","repo":"/srv/r","branch":"nightshift/run-1a2b3c4d","trigger":"schedule","inputs":{"package":"left-pad"}}""");
        Same(new RunFinishedPayload(null, "local:r", 3, 0, 1), """{"pullRequest":"local:r","succeeded":3,"failed":0,"skipped":1}""");
        Same(new RunFinishedPayload("step lint failed", null, 0, 1, 2), """{"reason":"step lint failed","succeeded":0,"failed":1,"skipped":2}""");
        Same(new StepStartedPayload("lint", "command", "t1"), """{"step":"lint","kind":"command","taskId":"t1"}""");
        Same(new StepSkippedPayload("fix", "condition is false"), """{"step":"fix","reason":"condition is false"}""");
        Same(new StepAwaitingApprovalPayload("deploy"), """{"step":"deploy"}""");
        Same(new StepDecisionPayload("deploy", "admin"), """{"step":"deploy","by":"admin"}""");
        Same(new StepDecisionPayload("deploy", "admin", "not today"), """{"step":"deploy","by":"admin","reason":"not today"}""");
        Same(new StepFinishedPayload("lint", "t1", JsonDocument.Parse("""{"error_count":2}""").RootElement.Clone()),
            """{"step":"lint","taskId":"t1","output":{"error_count":2}}""");
        Same(new StepFinishedPayload("test", "t2", Reason: "exit code 1", Continued: true), """{"step":"test","taskId":"t2","reason":"exit code 1","continued":true}""");
    }

    [Fact]
    public void SetupCache_HitAndMiss_WriteTheirShapes()
    {
        Same(new SetupCacheHitPayload("ab", 1024, 3, 12, 4000), """{"key":"ab","entryBytes":1024,"files":3,"restoreMs":12,"savedMs":4000}""");
        Same(new SetupCacheMissPayload("ab", "no entry for key ab yet", 4000, true, null),
            """{"key":"ab","reason":"no entry for key ab yet","setupMs":4000,"stored":true,"notStored":null}""");
        Same(new SetupCacheMissPayload(null, "no lock file", null, false, "setup failed"),
            """{"key":null,"reason":"no lock file","setupMs":null,"stored":false,"notStored":"setup failed"}""");
    }

    [Fact]
    public void Records_EqualTheAnonymousObjects_TheyReplaced()
    {
        // The exact expressions the emit sites used, beside the records that replace them.
        NightshiftJson.Payload(new ModelRequestPayload("build", 1, 2, 3))
            .ShouldBe(NightshiftJson.Payload(new { role = "build", step = 1, messages = 2, estimatedTokens = 3 }));
        NightshiftJson.Payload(new CommandOutputPayload("agent", "ls", ["a"]))
            .ShouldBe(NightshiftJson.Payload(new { purpose = "agent", command = "ls", lines = new[] { "a" } }));
        NightshiftJson.Payload(new NetworkDecisionPayload("verify", "curl", "h", 80, "GET", "127.0.0.1", "allowed"))
            .ShouldBe(NightshiftJson.Payload(new { phase = "verify", command = "curl", host = "h", port = 80, method = "GET", address = (string?)"127.0.0.1", reason = "allowed" }));
    }

    [Fact]
    public void Catalogue_EveryResolvedPayload_IsPinnedByAShapeTest()
    {
        var named = EventCatalogue.Entries.Select(e => e.Payload).Distinct().ToList();

        named.Except(Pinned).ShouldBeEmpty("a payload record in EventCatalogue has no shape test in PayloadShapeTests: add one with its JSON written out");
    }

    [Theory]
    [InlineData("""{"attempt":"two"}""")]
    [InlineData("[1,2]")]
    [InlineData("""{"attempt":1""")]
    public void Deserialize_MalformedPayload_Throws(string json)
    {
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<TaskStartedPayload>(json, NightshiftJson.Options));
    }

    [Fact]
    public void Deserialize_MissingAndUnknownMembers_AreDefaultsAndIgnored()
    {
        var read = JsonSerializer.Deserialize<ModelResponsePayload>("""{"role":"build","extra":{"deep":[1]}}""", NightshiftJson.Options)!;

        read.Role.ShouldBe("build");
        read.InputTokens.ShouldBe(0);
        read.Text.ShouldBeNull();
    }

    /// <summary>The record writes <paramref name="json"/>, and reading that back writes it again unchanged.</summary>
    private static void Same<T>(T payload, string json)
    {
        NightshiftJson.Payload(payload).ShouldBe(json);
        var read = JsonSerializer.Deserialize<T>(json, NightshiftJson.Options);
        NightshiftJson.Payload(read).ShouldBe(json);
    }
}
