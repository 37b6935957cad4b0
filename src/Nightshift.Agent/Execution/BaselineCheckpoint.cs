using Nightshift.Agent.Verification;

namespace Nightshift.Agent.Execution;

/// <summary>
/// The baseline run of the verification commands, kept in the checkpoint so a resumed attempt judges its rounds against
/// it without running it again. It holds only for the commit it ran on and the commands it ran.
/// </summary>
internal sealed record BaselineCheckpoint(string BaseCommit, IReadOnlyList<BaselineCommand> Commands)
{
    public static BaselineCheckpoint Of(string baseCommit, IEnumerable<CommandCheck> checks) => new(baseCommit, [.. checks.Select(BaselineCommand.Of)]);

    /// <summary>The stored checks when they were made on <paramref name="baseCommit"/> with exactly <paramref name="commands"/>; null otherwise.</summary>
    public IReadOnlyList<CommandCheck>? For(string baseCommit, IReadOnlyList<string> commands)
    {
        var stored = Commands ?? [];
        return string.Equals(BaseCommit, baseCommit, StringComparison.Ordinal) && stored.Select(c => c.Command).SequenceEqual(commands, StringComparer.Ordinal)
            ? [.. stored.Select(c => c.ToCheck())]
            : null;
    }
}
