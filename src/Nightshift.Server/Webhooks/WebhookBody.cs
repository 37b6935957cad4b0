using Microsoft.AspNetCore.Http.Features;
using Nightshift.Core.Errors;

namespace Nightshift.Server.Webhooks;

/// <summary>Reading a delivery's raw body under a cap, and its id headers, the same way for every forge.</summary>
internal static class WebhookBody
{
    public const int MaxHeaderLength = 100;

    /// <returns>the raw body, or null when it is longer than <paramref name="max"/> bytes.</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long max, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max * 2)
        {
            return null;
        }
        // This route's own cap replaces the API's (Api:MaxRequestBodyBytes) for this request. Kestrel's limit is twice
        // the cap: a body a little over it is read to its end and dropped, so the sender gets its 413 instead of a
        // connection closed under it; beyond that Kestrel stops reading.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max * 2;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    while (await request.Body.ReadAsync(chunk, cancellationToken) > 0)
                    {
                        // Dropped: only read so the answer reaches the sender.
                    }
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        return buffer.ToArray();
    }

    public static string Header(HttpRequest request, string name, string forge)
    {
        var value = request.Headers[name].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ValidationException(name, $"is missing; {forge} sends it with every delivery");
        }
        if (value.Length > MaxHeaderLength || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ValidationException(name, $"must be at most {MaxHeaderLength} letters, digits and - _ .");
        }
        return value;
    }
}
