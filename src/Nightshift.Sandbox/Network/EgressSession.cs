namespace Nightshift.Sandbox.Network;

/// <summary>One networked command's egress proxy and the private host folder holding its socket; both go when it ends.</summary>
internal sealed class EgressSession(string folder, EgressProxy proxy) : IAsyncDisposable
{
    public string Folder { get; } = folder;

    public async ValueTask DisposeAsync()
    {
        await proxy.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
