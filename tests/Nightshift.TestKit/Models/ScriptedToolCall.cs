using System.Text.Json;

namespace Nightshift.TestKit.Models;

/// <summary>A tool call the scripted model makes; <see cref="ArgumentsJson"/> is sent verbatim (so it may be broken on purpose).</summary>
public sealed record ScriptedToolCall(string Name, string ArgumentsJson, string? Id = null)
{
    public static ScriptedToolCall Of(string name, object arguments, string? id = null) =>
        new(name, JsonSerializer.Serialize(arguments), id);
}
