namespace Nightshift.Cli.Tests.Output;

/// <summary>
/// Keeps what the CLI drew at a given width as a text file under the test output's <c>artifacts/terminal/</c>, the
/// terminal's counterpart of the dashboard's screenshots, so a person can look at the live view and <c>ls</c> as a user sees them.
/// </summary>
internal static class TerminalArtifacts
{
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "terminal");

    public static void Save(string name, string rendered)
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(Folder, name + ".txt"), rendered);
    }
}
