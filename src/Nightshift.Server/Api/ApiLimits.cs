namespace Nightshift.Server.Api;

/// <summary>Configuration section <c>Api</c>.</summary>
internal sealed class ApiLimits
{
    public const string Section = "Api";

    /// <summary>Largest request body accepted; bigger ones get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
