namespace Nightshift.Sandbox;

/// <summary>Runs one command inside a jail; every command an agent, a setup step or the verifier runs goes through here.</summary>
public interface ISandbox
{
    /// <summary>
    /// Runs <paramref name="spec"/> to completion, a limit or its timeout. A non-zero exit, a timeout or a limit is a
    /// result, not an exception; an invalid spec throws <see cref="Core.Errors.ValidationException"/>, a jail that cannot
    /// start throws <see cref="SandboxUnavailableException"/>, and cancellation kills the whole process tree and throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    Task<CommandResult> RunAsync(CommandSpec spec, CancellationToken cancellationToken = default);
}
