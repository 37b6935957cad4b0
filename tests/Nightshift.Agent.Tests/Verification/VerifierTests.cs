using Nightshift.Agent.Tools;
using Nightshift.Agent.Verification;
using Nightshift.TestKit;

namespace Nightshift.Agent.Tests.Verification;

public sealed class VerifierTests
{
    private const string NodeFailure = "TAP version 13\n# Subtest: adds\nnot ok 1 - adds\n# Subtest: parses dates\nnot ok 2 - parses dates\n# fail 2\n";
    private const string OnlyDatesFail = "TAP version 13\nok 1 - adds\nnot ok 2 - parses dates\n# fail 1\n";

    [Fact]
    public async Task VerifyAsync_PreExistingFailureOnly_NothingNewButNotAllPassedAndNamesIt()
    {
        var runner = new QueueRunner((1, NodeFailure), (1, OnlyDatesFail));
        var verifier = new Verifier(runner, ["node --test"], TimeSpan.FromMinutes(1));
        await verifier.BaselineAsync(TestDefaults.TimeoutToken());

        var result = await verifier.VerifyAsync(TestDefaults.TimeoutToken());

        result.Passed.ShouldBeTrue();
        result.NewFailures.ShouldBeEmpty();
        result.PreExistingFailures.ShouldBe(["parses dates"]);
        result.AllPassed.ShouldBeFalse();
        result.Summary.ShouldContain("found no new failures");
        result.Summary.ShouldContain("1 test(s) that failed on the base branch still fail: parses dates");
        result.Summary.ShouldNotContain("verification passed");
    }

    [Fact]
    public async Task VerifyAsync_NewFailure_FailsAndFeedbackNamesIt()
    {
        var runner = new QueueRunner((1, OnlyDatesFail), (1, NodeFailure));
        var verifier = new Verifier(runner, ["node --test"], TimeSpan.FromMinutes(1));
        await verifier.BaselineAsync(TestDefaults.TimeoutToken());

        var result = await verifier.VerifyAsync(TestDefaults.TimeoutToken());

        result.Passed.ShouldBeFalse();
        result.NewFailures.ShouldBe(["adds"]);
        var feedback = Verifier.Feedback(result);
        feedback.ShouldContain("Failing: adds");
        feedback.ShouldContain("Already failing before your change");
        feedback.ShouldContain("$ node --test  → exit 1");
    }

    [Fact]
    public async Task VerifyAsync_UnnamedFailure_IsNeverForgiven()
    {
        var runner = new QueueRunner((2, "make: *** [test] Error 2"), (2, "make: *** [test] Error 2"));
        var verifier = new Verifier(runner, ["make test"], TimeSpan.FromMinutes(1));
        await verifier.BaselineAsync(TestDefaults.TimeoutToken());

        var result = await verifier.VerifyAsync(TestDefaults.TimeoutToken());

        result.Passed.ShouldBeFalse();
        result.NewFailures.ShouldBe(["`make test` exited with 2"]);
    }

    [Fact]
    public async Task VerifyAsync_AllGreen_Passes()
    {
        var verifier = new Verifier(new QueueRunner((0, "ok 1 - adds")), ["node --test"], TimeSpan.FromMinutes(1));

        var result = await verifier.VerifyAsync(TestDefaults.TimeoutToken());

        result.Passed.ShouldBeTrue();
        result.Summary.ShouldBe("verification passed (`node --test` ok)");
    }

    [Theory]
    [InlineData("FAILED tests/test_x.py::test_dates - AssertionError", "tests/test_x.py::test_dates")]
    [InlineData("--- FAIL: TestAdd (0.00s)", "TestAdd")]
    [InlineData("test math::adds ... FAILED", "math::adds")]
    [InlineData("  Failed Calc.Tests.AddTests.Adds [12 ms]", "Calc.Tests.AddTests.Adds")]
    [InlineData("    not ok 3 - nested case # TODO", "nested case")]
    [InlineData("  ✕ renders the header (5 ms)", "renders the header")]
    public void FailingTests_CommonRunners_AreRecognised(string line, string expected)
    {
        FailingTests.Parse("noise\n" + line + "\nmore noise").ShouldBe([expected]);
    }

    private sealed class QueueRunner(params (int Exit, string Output)[] outcomes) : ICommandRunner
    {
        private int _next;

        public Task<CommandOutcome> RunAsync(string command, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var (exit, output) = outcomes[Math.Min(_next++, outcomes.Length - 1)];
            return Task.FromResult(new CommandOutcome(exit, output, TimeSpan.FromMilliseconds(5), false, false));
        }
    }
}
