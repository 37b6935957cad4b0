using System.Text;
using Nightshift.Core.Pipelines;
using Nightshift.Workspaces.Files;

namespace Nightshift.Cli.Commands.Pipeline;

/// <summary>
/// Reads the pipeline file a person names on the command line: through the safe reader, so a FIFO, a device or a
/// folder is refused at once instead of blocking or filling memory, and never more than <see cref="PipelineYaml.MaxBytes"/>.
/// A symbolic link the person made is followed to its file (it is their own file, not a repository's).
/// </summary>
internal static class PipelineFile
{
    /// <exception cref="UsageException">the file is missing, not a regular file, too large or not UTF-8.</exception>
    public static async Task<string> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new UsageException("give the path of a pipeline's YAML file, e.g. .nightshift/pipelines/lint-fix-test.yml");
        }
        var full = Path.GetFullPath(path);
        try
        {
            if (new FileInfo(full).LinkTarget is not null && File.ResolveLinkTarget(full, returnFinalTarget: true) is { } target)
            {
                full = target.FullName;
            }
        }
        catch (IOException)
        {
            // A link loop or a dangling link: the read below names it.
        }
        RepoFileContent content;
        try
        {
            content = await RepoFiles.ReadAsync(Path.GetDirectoryName(full) ?? "/", Path.GetFileName(full), PipelineYaml.MaxBytes, cancellationToken);
        }
        catch (RepoFileException refused)
        {
            throw new UsageException(refused.Kind switch
            {
                RepoFileKind.Missing => $"'{path}' does not exist; give the path of a pipeline's YAML file",
                RepoFileKind.Directory => $"'{path}' is a folder; give the pipeline's YAML file in it (e.g. {Path.Join(path, "NAME.yml")})",
                RepoFileKind.Fifo or RepoFileKind.Socket or RepoFileKind.CharacterDevice or RepoFileKind.BlockDevice =>
                    $"'{path}' is not a regular file (a FIFO, socket or device); save the pipeline to a file and give its path",
                _ => $"'{path}' cannot be read: {refused.Message}",
            });
        }
        if (content.Truncated)
        {
            throw new UsageException($"'{path}' is {content.FileSize} bytes; a pipeline may be at most {PipelineYaml.MaxBytes} bytes ({PipelineYaml.MaxBytes / 1024} KiB) — move long instructions into files of the repository");
        }
        try
        {
            var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(content.Bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            throw new UsageException($"'{path}' is not UTF-8 text; save it as UTF-8");
        }
    }
}
