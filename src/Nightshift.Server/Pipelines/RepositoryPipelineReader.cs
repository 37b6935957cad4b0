using Microsoft.Extensions.Options;
using Nightshift.Core.Pipelines;
using Nightshift.Forges;
using Nightshift.Workspaces;

namespace Nightshift.Server.Pipelines;

/// <summary>
/// Reads a repository's own pipeline, <c>FOLDER/NAME.yml</c> (<see cref="PipelineOptions.Folder"/>) on a branch,
/// through <see cref="IRepositoryFiles"/>: from git's objects in the mirror, never a checkout, with the repository's
/// forge credentials, at most <see cref="PipelineYaml.MaxBytes"/>. The coordinator reads a run's definition with it,
/// and the API the definition a new run's inputs are checked against.
/// </summary>
internal sealed class RepositoryPipelineReader(IRepositoryFiles files, IForgeResolver forges, IOptions<PipelineOptions> options)
{
    /// <summary>The file of <paramref name="pipeline"/> in the repository; null when the name could not be a pipeline's.</summary>
    public string? FileOf(string pipeline) => PipelineFolder.FileOf(options.Value.Folder, pipeline);

    /// <returns>the file's text, or null when the branch has no such file.</returns>
    /// <exception cref="WorkspaceException">the repository or branch cannot be fetched, or the file is a link, a folder or too large.</exception>
    /// <exception cref="Core.Errors.ValidationException">the branch name is unusable.</exception>
    /// <exception cref="ForgeException">the forge's credentials could not be had.</exception>
    public async Task<string?> ReadAsync(string orgId, string repo, string? branch, string path, CancellationToken cancellationToken)
    {
        var login = await forges.Resolve(repo, orgId).PushLoginAsync(cancellationToken);
        var credentials = login is null ? null : PushCredentials.FromToken(login.Token, login.Username);
        return await files.ReadTextAsync(repo, branch, path, PipelineYaml.MaxBytes, credentials, cancellationToken);
    }
}
