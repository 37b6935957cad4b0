namespace Nightshift.Agent.Demo;

/// <summary>
/// The recorded session <c>nightshift demo</c> replays. It was produced by a scripted model (no real model can be
/// reached where Nightshift is built and tested) and is labelled as such wherever the demo shows it.
/// </summary>
public static class DemoSession
{
    public const string ResourceName = "Nightshift.Agent.Demo.demo-session.jsonl";

    /// <summary>What the recording's responses name as their model; it has no price, so its cost shows as unknown.</summary>
    public const string RecordedModel = "scripted/nightshift-demo";

    /// <summary>Copies the cassette out of the assembly to <paramref name="path"/> and returns the model string that replays it.</summary>
    public static async Task<string> ExtractAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var resource = typeof(DemoSession).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"this build has no demo session ({ResourceName}); rebuild Nightshift");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var file = File.Create(path);
        await resource.CopyToAsync(file, cancellationToken);
        return "replay/" + Path.GetFullPath(path);
    }
}
