namespace Nightshift.Forges.GitHub;

/// <summary>Sends through the shared handler with the ambient call's token linked in; never disposes the shared handler.</summary>
internal sealed class CallCancellationHandler(HttpMessageHandler shared) : HttpMessageHandler
{
    private readonly HttpMessageInvoker _invoker = new(shared, disposeHandler: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, GitHubCallCancellation.Token);
        return await _invoker.SendAsync(request, linked.Token);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _invoker.Dispose();
        }
        base.Dispose(disposing);
    }
}
