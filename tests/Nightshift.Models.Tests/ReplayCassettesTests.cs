using System.Diagnostics;
using Microsoft.Extensions.AI;
using Nightshift.Models.Recording;
using Nightshift.Models.Errors;
using Nightshift.Models.Replay;
using Nightshift.Models.Selection;
using Nightshift.TestKit;

namespace Nightshift.Models.Tests;

/// <summary>A model string is untrusted: replay reads regular files inside Models:ReplayDirectory and nothing else.</summary>
public sealed class ReplayCassettesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nightshift-replay-").FullName;

    public ReplayCassettesTests()
    {
        Directory.CreateDirectory(Folder);
        WriteCassette(Path.Combine(Folder, "good.jsonl"));
        WriteCassette(Path.Combine(_root, "outside.jsonl"));
    }

    private string Folder => Path.Combine(_root, "cassettes");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Create_CassetteInTheFolder_ByRelativeOrAbsoluteName_Replays()
    {
        using var factory = Factory();

        factory.Create("replay/good.jsonl").GetService<ReplayChatClient>()!.RecordedCalls.ShouldBe(1);
        factory.Create($"replay/{Folder}/good.jsonl").GetService<ReplayChatClient>()!.RecordedCalls.ShouldBe(1);
    }

    [Theory]
    [InlineData("replay//dev/zero")]
    [InlineData("replay//etc/passwd")]
    [InlineData("replay/../../etc/passwd")]
    [InlineData("replay/../outside.jsonl")]
    [InlineData("replay/sub/../../outside.jsonl")]
    [InlineData("replay/.")]
    [InlineData("replay//proc/self/environ")]
    public void Create_PathOutsideTheFolder_RefusedNamingTheSetting(string model)
    {
        using var factory = Factory();

        var error = Should.Throw<ModelConfigurationException>(() => factory.Create(model));

        error.Message.ShouldContain("Models:ReplayDirectory");
        error.Message.ShouldContain(Folder);
    }

    [Fact]
    public void Create_OutsidePathGivenAsAbsoluteInsideTheFolderPrefix_Refused()
    {
        // A sibling whose name starts with the folder's must not pass a prefix comparison.
        Directory.CreateDirectory(Folder + "-evil");
        WriteCassette(Path.Combine(Folder + "-evil", "x.jsonl"));
        using var factory = Factory();

        Should.Throw<ModelConfigurationException>(() => factory.Create($"replay/{Folder}-evil/x.jsonl")).Message.ShouldContain("outside");
    }

    [Fact]
    public void Create_SymlinkInTheFolderPointingOut_Refused()
    {
        File.CreateSymbolicLink(Path.Combine(Folder, "link.jsonl"), Path.Combine(_root, "outside.jsonl"));
        File.CreateSymbolicLink(Path.Combine(Folder, "zero.jsonl"), "/dev/zero");
        Directory.CreateSymbolicLink(Path.Combine(Folder, "etc"), "/etc");
        using var factory = Factory();

        Should.Throw<ModelConfigurationException>(() => factory.Create("replay/link.jsonl")).Message.ShouldContain("symbolic link");
        Should.Throw<ModelConfigurationException>(() => factory.Create("replay/zero.jsonl")).Message.ShouldContain("symbolic link");
        Should.Throw<ModelConfigurationException>(() => factory.Create("replay/etc/passwd")).Message.ShouldContain("symbolic link");
    }

    [Fact]
    public async Task Create_FifoInTheFolder_RefusedAtOnceWithoutBlocking()
    {
        var fifo = Path.Combine(Folder, "trap.jsonl");
        MakeFifo(fifo);
        using var factory = Factory();

        // Opening a FIFO for reading would block until a writer came: the refusal must come from looking, not opening.
        var error = await Task.Run(() => Should.Throw<ModelConfigurationException>(() => factory.Create("replay/trap.jsonl"))).WaitAsync(TestDefaults.Timeout);

        error.Message.ShouldContain("FIFO");
        error.Message.ShouldContain("Models:ReplayDirectory");
    }

    [Fact]
    public void Create_FolderInsteadOfAFile_Refused()
    {
        Directory.CreateDirectory(Path.Combine(Folder, "sub"));
        using var factory = Factory();

        Should.Throw<ModelConfigurationException>(() => factory.Create("replay/sub")).Message.ShouldContain("a folder");
    }

    [Fact]
    public void Create_OversizedCassette_RefusedBeforeReading()
    {
        using (var big = File.Create(Path.Combine(Folder, "big.jsonl")))
        {
            big.SetLength(ReplayCassettes.MaxCassetteBytes + 1);
        }
        using var factory = Factory();

        Should.Throw<ModelConfigurationException>(() => factory.Create("replay/big.jsonl")).Message.ShouldContain("larger than 64 MB");
    }

    [Fact]
    public void Create_MissingCassette_SaysItDoesNotExistAndHowToRecordOne()
    {
        using var factory = Factory();

        var error = Should.Throw<ModelConfigurationException>(() => factory.Create("replay/missing.jsonl"));

        error.Message.ShouldContain("does not exist");
        error.Message.ShouldContain("NIGHTSHIFT_MODEL_RECORD");
    }

    [Fact]
    public void Create_NoReplayFolderConfigured_RefusesEveryCassetteNamingTheSetting()
    {
        using var factory = new ChatClientFactory(new ModelOptions(), ModelEnvironment.Empty);

        var error = Should.Throw<ModelConfigurationException>(() => factory.Create($"replay/{Folder}/good.jsonl"));

        error.Message.ShouldContain("replay is off");
        error.Message.ShouldContain("Models:ReplayDirectory");
    }

    [Fact]
    public void Create_ReplayFolderMissing_SaysSo()
    {
        using var factory = new ChatClientFactory(new ModelOptions { ReplayDirectory = Path.Combine(_root, "nowhere") }, ModelEnvironment.Empty);

        Should.Throw<ModelConfigurationException>(() => factory.Create("replay/good.jsonl")).Message.ShouldContain("does not exist");
    }

    [Theory]
    [InlineData("openai/gpt-4.1,replay//dev/zero")]
    [InlineData("replay/../outside.jsonl")]
    public void ValidateRequested_ChainWithAReplayOutsideTheFolder_Refused(string model)
    {
        using var factory = Factory();

        Should.Throw<ModelConfigurationException>(() => factory.ValidateRequested(model)).Message.ShouldContain("Models:ReplayDirectory");
    }

    [Theory]
    [InlineData("openai/gpt-4.1")]
    [InlineData("replay/good.jsonl")]
    [InlineData("anthropic/claude-sonnet-4-5,replay/good.jsonl")]
    public void ValidateRequested_UsableModel_Accepted(string model)
    {
        using var factory = Factory();

        Should.NotThrow(() => factory.ValidateRequested(model));
    }

    private ChatClientFactory Factory() => new(new ModelOptions { ReplayDirectory = Folder }, ModelEnvironment.Empty);

    private static void WriteCassette(string path)
    {
        using var writer = new CassetteWriter(path);
        writer.Write(new CassetteEntry { Call = 1, Model = "openai/gpt-4.1", Response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "hi")) });
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        mkfifo.ExitCode.ShouldBe(0);
    }
}
