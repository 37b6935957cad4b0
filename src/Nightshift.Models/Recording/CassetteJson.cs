using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace Nightshift.Models.Recording;

/// <summary>Serializer settings for cassettes: Microsoft.Extensions.AI's content types plus our entry record, one line each.</summary>
internal static class CassetteJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions)
        {
            WriteIndented = false,
            TypeInfoResolver = JsonTypeInfoResolver.Combine(AIJsonUtilities.DefaultOptions.TypeInfoResolver, new DefaultJsonTypeInfoResolver()),
        };
        options.MakeReadOnly();
        return options;
    }
}
