namespace Nightshift.Server.Pipelines;

/// <summary>Where a repository's pipeline files are: a relative folder, and the file of one pipeline in it.</summary>
internal static class PipelineFolder
{
    public static bool IsSafe(string? folder) =>
        !string.IsNullOrWhiteSpace(folder) && folder.Length <= 200
        && !folder.StartsWith('/') && !folder.EndsWith('/')
        && folder.Split('/').All(part => part.Length > 0 && part is not "." and not ".." && part.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'));

    /// <summary><c>FOLDER/NAME.yml</c>; null when the name could not be a pipeline's (a hostile name never becomes a path).</summary>
    public static string? FileOf(string folder, string pipeline) =>
        pipeline.Length is > 0 and <= 64 && char.IsAsciiLetterLower(pipeline[0])
        && pipeline.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_')
            ? $"{folder}/{pipeline}.yml"
            : null;
}
