using System.Text;
using System.Text.Json;
using Microsoft.Net.Http.Headers;
using Nightshift.Core.Errors;
using Nightshift.Core.Pipelines;

namespace Nightshift.Server.Pipelines.Api;

/// <summary>
/// Reads the YAML of <c>POST /api/v1/pipelines</c> and <c>/validate</c>: a JSON object <c>{"yaml": "…"}</c> (nothing
/// else in it) or the YAML itself as <c>text/yaml</c> / <c>application/yaml</c>, never more than a bounded number of
/// bytes whatever the body claims.
/// </summary>
internal static class PipelineBodyReader
{
    /// <summary>JSON escaping can make the YAML's text up to six times longer; more than this is refused before it is parsed.</summary>
    public const int MaxJsonBodyBytes = PipelineYaml.MaxBytes * 6 + 4096;

    private static readonly string[] YamlTypes = ["text/yaml", "application/yaml", "application/x-yaml", "text/x-yaml", "text/plain"];

    /// <exception cref="ValidationException">the body is not a usable pipeline body; the message says what to send.</exception>
    /// <exception cref="PipelineBodyTooLargeException">the body or the YAML in it is larger than the limit.</exception>
    /// <exception cref="UnsupportedBodyException">the content type is neither JSON nor YAML.</exception>
    public static async Task<string> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value?.ToLowerInvariant() : null;
        var isYaml = mediaType is not null && YamlTypes.Contains(mediaType, StringComparer.Ordinal);
        var isJson = mediaType is "application/json" || (mediaType?.EndsWith("+json", StringComparison.Ordinal) ?? false);
        if (!isYaml && !isJson)
        {
            throw new UnsupportedBodyException(mediaType is null
                ? "the body has no content type: send {\"yaml\": \"…\"} as application/json, or the YAML itself as text/yaml"
                : $"'{PipelineNames.Clip(mediaType)}' is not a body this route reads: send {{\"yaml\": \"…\"}} as application/json, or the YAML itself as text/yaml");
        }
        var limit = isYaml ? PipelineYaml.MaxBytes : MaxJsonBodyBytes;
        var bytes = await ReadBoundedAsync(request.Body, limit, cancellationToken);
        if (bytes.Length == 0)
        {
            throw new ValidationException("yaml", "is required: send {\"yaml\": \"name: …\\nsteps: …\"} as application/json, or the YAML itself as text/yaml");
        }
        var yaml = isYaml ? Decode(bytes) : FromJson(bytes);
        if (Encoding.UTF8.GetByteCount(yaml) > PipelineYaml.MaxBytes)
        {
            throw new PipelineBodyTooLargeException();
        }
        return yaml;
    }

    private static string Decode(byte[] bytes)
    {
        try
        {
            var text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            throw new ValidationException("yaml", "is not UTF-8 text; save the file as UTF-8 and send it again");
        }
    }

    private static string FromJson(byte[] bytes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException error)
        {
            var where = error.LineNumber is { } line ? $" at line {line + 1}, byte {error.BytePositionInLine + 1}" : "";
            throw new ValidationException("body", $"the request body is not well-formed JSON{where}; send {{\"yaml\": \"…\"}}, or the YAML itself as text/yaml");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ValidationException("body", "must be a JSON object: {\"yaml\": \"…\"}");
            }
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            string? yaml = null;
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals("yaml"))
                {
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        yaml = property.Value.GetString();
                    }
                    else
                    {
                        errors["yaml"] = ["must be the pipeline's YAML as one string"];
                    }
                }
                else
                {
                    var name = PipelineNames.Clip(property.Name);
                    errors[name] = [$"field '{name}' is not one this route accepts: remove it; the body is {{\"yaml\": \"…\"}} and the rest comes from the YAML"];
                }
            }
            if (errors.Count == 0 && string.IsNullOrWhiteSpace(yaml))
            {
                errors["yaml"] = ["is required: the pipeline's YAML as one string"];
            }
            if (errors.Count > 0)
            {
                throw new ValidationException(errors);
            }
            return yaml!;
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var read = await body.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                return buffer.ToArray();
            }
            if (buffer.Length + read > limit)
            {
                throw new PipelineBodyTooLargeException();
            }
            buffer.Write(chunk, 0, read);
        }
    }
}
