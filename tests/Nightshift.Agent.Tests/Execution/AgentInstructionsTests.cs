using Nightshift.Agent.Execution;
using Nightshift.Agent.Tests.Fakes;
using Nightshift.TestKit;

namespace Nightshift.Agent.Tests.Execution;

public sealed class AgentInstructionsTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public async Task ReadAsync_PlainFile_IsPassedOnWhole()
    {
        _tree.Write("AGENTS.md", "\uFEFFRun the tests with make.\n");

        (await AgentInstructions.ReadAsync(_tree.Root, 1_000, TestDefaults.TimeoutToken())).ShouldBe("Run the tests with make.\n");
    }

    [Fact]
    public async Task ReadAsync_LongText_ReadsABoundedPrefixAndSaysItWasCut()
    {
        _tree.Write("AGENTS.md", new string('a', 200_000));

        var text = await AgentInstructions.ReadAsync(_tree.Root, 1_000, TestDefaults.TimeoutToken());

        text.ShouldNotBeNull().ShouldBe(new string('a', 1_000) + "\n[AGENTS.md was cut here: it is longer than Nightshift passes on]");
    }

    [Fact]
    public async Task ReadAsync_SparseHundredMegabytes_IsBinaryAndNoInstructions()
    {
        SpecialFiles.Sparse(Path.Combine(_tree.Root, "AGENTS.md"), 100L * 1024 * 1024);

        (await AgentInstructions.ReadAsync(_tree.Root, 1_000, TestDefaults.TimeoutToken())).ShouldBeNull();
    }

    [Fact]
    public async Task ReadAsync_FifoLinkOrFolder_IsNoInstructionsAndReturnsAtOnce()
    {
        SpecialFiles.Fifo(Path.Combine(_tree.Root, "AGENTS.md"));
        var fifo = Task.Run(() => AgentInstructions.ReadAsync(_tree.Root, 1_000, TestDefaults.TimeoutToken()));
        (await fifo.WaitAsync(TestDefaults.Timeout)).ShouldBeNull();

        File.Delete(Path.Combine(_tree.Root, "AGENTS.md"));
        File.CreateSymbolicLink(Path.Combine(_tree.Root, "AGENTS.md"), "/dev/zero");
        (await AgentInstructions.ReadAsync(_tree.Root, 1_000, TestDefaults.TimeoutToken())).ShouldBeNull();

        File.Delete(Path.Combine(_tree.Root, "AGENTS.md"));
        Directory.CreateDirectory(Path.Combine(_tree.Root, "AGENTS.md"));
        (await AgentInstructions.ReadAsync(_tree.Root, 1_000, TestDefaults.TimeoutToken())).ShouldBeNull();
    }

    [Fact]
    public async Task ReadAsync_Missing_IsNull()
    {
        (await AgentInstructions.ReadAsync(_tree.Root, 1_000, TestDefaults.TimeoutToken())).ShouldBeNull();
    }
}
