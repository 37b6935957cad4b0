namespace Nightshift.TestKit.Sandbox;

/// <summary>A throwaway folder under the host's temp folder, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "nightshift-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string File(string relative) => System.IO.Path.Join(Path, relative);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
