namespace Nightshift.Forges;

/// <summary>Chooses the forge of a repository by its address's host: a configured forge, or the local forge.</summary>
public interface IForgeResolver
{
    /// <summary>The forges configured in the Forges section.</summary>
    IReadOnlyList<ForgeEndpoint> Endpoints { get; }

    /// <summary>
    /// The forge for <paramref name="repository"/>: the configured one whose host the address names, otherwise (local
    /// paths, bare repositories, hosts no entry names) the local forge.
    /// </summary>
    /// <exception cref="ForgeException">the host's forge is of a kind this build cannot open pull requests on.</exception>
    ForgeTarget Resolve(string repository);

    /// <summary>
    /// As <see cref="Resolve(string)"/>, for a task of <paramref name="orgId"/>: on a configured forge, the
    /// organisation's own <c>forge.&lt;kind&gt;.token</c> secret is the credential when it has one.
    /// </summary>
    ForgeTarget Resolve(string repository, string orgId) => Resolve(repository);

    /// <summary>One cheap authenticated call to the forge, for <c>nightshift doctor</c>.</summary>
    Task<ForgeCheck> CheckAsync(ForgeEndpoint endpoint, CancellationToken cancellationToken = default);
}
