using System.Net;
using Nightshift.Core.Errors;

namespace Nightshift.Models.Errors;

/// <summary>
/// A model call failed for good (retries, if any, are spent). The message is redacted and says what to do next;
/// <see cref="Provider"/> and <see cref="Kind"/> let callers decide (the fallback chain takes every kind).
/// </summary>
public sealed class ModelProviderException(
    string provider,
    ModelFailureKind kind,
    string message,
    HttpStatusCode? statusCode = null,
    Exception? inner = null) : NightshiftException(message, inner)
{
    public string Provider { get; } = provider;

    public ModelFailureKind Kind { get; } = kind;

    public HttpStatusCode? StatusCode { get; } = statusCode;
}
