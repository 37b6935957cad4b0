using Nightshift.Agent.Execution;
using Nightshift.Agent.Verification;

namespace Nightshift.Agent.Tests.Execution;

public sealed class ErrorSignatureTests
{
    [Fact]
    public void Of_PassedRound_IsNull() =>
        ErrorSignature.Of(Result(passed: true, Check("node --test", 0, ""))).ShouldBeNull();

    [Fact]
    public void Of_SameFailingTestsInAnotherOrder_SameKeyNamingThemSorted()
    {
        var first = ErrorSignature.Of(Result(false, Check("node --test", 1, "x", "multiplies", "adds")))!;
        var second = ErrorSignature.Of(Result(false, Check("node --test", 1, "other output 123", "adds", "multiplies")))!;

        second.Key.ShouldBe(first.Key);
        first.Description.ShouldBe("tests: adds, multiplies");
        first.Key.Length.ShouldBe(32);
    }

    [Fact]
    public void Of_TestsThatAlreadyFailedAtBaseline_AreLeftOut()
    {
        var withOld = ErrorSignature.Of(Result(false, Check("node --test", 1, "", "adds", "multiplies"), preExisting: ["adds"]))!;
        var without = ErrorSignature.Of(Result(false, Check("node --test", 1, "", "multiplies")))!;

        withOld.Key.ShouldBe(without.Key);
    }

    [Fact]
    public void Of_UnnamedFailuresDifferingOnlyInNumbersPathsAndTimings_SameKey()
    {
        var first = ErrorSignature.Of(Result(false, Check("make", 2, "error: build/a1/x.c:12:5: undeclared 'foo'\nfinished in 35ms (pid 4121) at 0x7ffdeadbeef0\n")))!;
        var second = ErrorSignature.Of(Result(false, Check("make", 1, "error: /tmp/b2/src/x.c:99:1: undeclared 'foo'\nfinished in 2.5ms (pid 17) at 0x55aa12345678\n")))!;

        second.Key.ShouldBe(first.Key);
        first.Description.ShouldNotContain("35");
    }

    [Fact]
    public void Of_DifferentErrorMessages_DifferentKeys()
    {
        var first = ErrorSignature.Of(Result(false, Check("make", 1, "error: undeclared 'foo'")))!;
        var second = ErrorSignature.Of(Result(false, Check("make", 1, "error: undeclared 'bar'")))!;

        second.Key.ShouldNotBe(first.Key);
    }

    [Fact]
    public void Of_TimedOutVersusFailed_DifferentKeys()
    {
        var timedOut = ErrorSignature.Of(Result(false, Check("make", -1, "", timedOut: true)))!;
        var failed = ErrorSignature.Of(Result(false, Check("make", 1, "")))!;

        timedOut.Key.ShouldNotBe(failed.Key);
    }

    [Fact]
    public void NormalizeHead_HugeHostileOutput_StaysSmallAndOneLinePerLine()
    {
        var output = string.Concat(Enumerable.Repeat("boom \0\u202E" + new string('x', 10_000) + "\n", 1_000));

        var head = ErrorSignature.NormalizeHead(output);

        head.Split('\n').Length.ShouldBe(12);
        head.Length.ShouldBeLessThanOrEqualTo(12 * 201);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\n\n   \n")]
    public void NormalizeHead_NothingToRead_IsEmpty(string? output) => ErrorSignature.NormalizeHead(output).ShouldBe("");

    [Fact]
    public void Of_FailedWithoutAnyOutput_StillHasASignature() =>
        ErrorSignature.Of(Result(false, Check("true", 1, "")))!.Description.ShouldBe("true:");

    private static CommandCheck Check(string command, int exit, string output, params string[] failing) => Check(command, exit, output, false, failing);

    private static CommandCheck Check(string command, int exit, string output, bool timedOut, params string[] failing) =>
        new(command, exit, timedOut, output, failing.ToHashSet(StringComparer.Ordinal), TimeSpan.FromSeconds(1));

    private static VerificationResult Result(bool passed, CommandCheck check, string[]? preExisting = null) =>
        new(passed, [check], check.FailingTests.ToHashSet(), (preExisting ?? []).ToHashSet(), "summary");
}
