using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Nightshift.Models.Recording;
using Nightshift.Server.Secrets;

namespace Nightshift.Server.Telemetry;

/// <summary>
/// <c>Telemetry:LogFormat=json</c>: one JSON object per line (time, level, category, event id, message, the message's
/// named values, scopes, exception), with every text passed through <see cref="SecretRedactor"/> so a credential in a
/// message, an argument or an exception never reaches the output.
/// </summary>
internal sealed class JsonLogFormatter : ConsoleFormatter
{
    public const string FormatterName = "nightshift-json";

    /// <summary>Longest text written for one value; a log line stays a line a collector accepts.</summary>
    internal const int MaxValueChars = 16_384;

    private const string OriginalFormat = "{OriginalFormat}";

    private readonly IReadOnlyList<string> _secrets;
    private readonly TimeProvider _time;
    private readonly SecretValues? _values;

    /// <param name="values">secret values decrypted at run time (organisations' keys), masked too.</param>
    public JsonLogFormatter(IConfiguration configuration, TimeProvider time, SecretValues? values = null)
        : this(LogSecrets.From(configuration), time, values)
    {
    }

    internal JsonLogFormatter(IReadOnlyList<string> secrets, TimeProvider time, SecretValues? values = null)
        : base(FormatterName)
    {
        _secrets = secrets;
        _time = time;
        _values = values;
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("level", logEntry.LogLevel.ToString());
            json.WriteString("category", logEntry.Category);
            json.WriteNumber("eventId", logEntry.EventId.Id);
            if (!string.IsNullOrEmpty(logEntry.EventId.Name))
            {
                json.WriteString("eventName", logEntry.EventId.Name);
            }
            json.WriteString("message", Clean(message));
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                WriteState(json, values);
            }
            if (scopeProvider is not null)
            {
                WriteScopes(json, scopeProvider);
            }
            if (logEntry.Exception is { } exception)
            {
                json.WriteString("exception", Clean(exception.ToString()));
            }
            json.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    private void WriteState(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        // The template is the code's own constant text; the values it names are redacted below.
        if (values.FirstOrDefault(p => p.Key == OriginalFormat).Value is string template)
        {
            json.WriteString("template", Clip(template));
        }
        var written = false;
        foreach (var (key, value) in values)
        {
            if (key == OriginalFormat)
            {
                continue;
            }
            if (!written)
            {
                json.WriteStartObject("state");
                written = true;
            }
            json.WritePropertyName(Clip(key));
            WriteValue(json, value);
        }
        if (written)
        {
            json.WriteEndObject();
        }
    }

    private void WriteScopes(Utf8JsonWriter json, IExternalScopeProvider scopeProvider)
    {
        var started = false;
        scopeProvider.ForEachScope((scope, writer) =>
        {
            if (!started)
            {
                writer.WriteStartArray("scopes");
                started = true;
            }
            if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                writer.WriteStartObject();
                foreach (var (key, value) in pairs)
                {
                    writer.WritePropertyName(Clip(key));
                    WriteValue(writer, value);
                }
                writer.WriteEndObject();
            }
            else
            {
                WriteValue(writer, scope);
            }
        }, json);
        if (started)
        {
            json.WriteEndArray();
        }
    }

    private void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool flag:
                json.WriteBooleanValue(flag);
                break;
            case int or long or short or byte or sbyte or ushort or uint:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong big:
                json.WriteNumberValue(big);
                break;
            case decimal number:
                json.WriteNumberValue(number);
                break;
            case double or float when Convert.ToDouble(value, CultureInfo.InvariantCulture) is var number && double.IsFinite(number):
                json.WriteNumberValue(number);
                break;
            case DateTimeOffset time:
                json.WriteStringValue(time.ToString("O", CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteStringValue(Clean(Convert.ToString(value, CultureInfo.InvariantCulture)));
                break;
        }
    }

    private string Clean(string? text) => Clip(SecretRedactor.Redact(_values is null || text is null ? text : _values.Redact(text, SecretRedactor.Mask), _secrets));

    private static string Clip(string text) => text.Length <= MaxValueChars ? text : text[..MaxValueChars] + "…";
}
