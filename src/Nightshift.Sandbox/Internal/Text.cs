namespace Nightshift.Sandbox.Internal;

/// <summary>Shortening of tool output for messages a person reads.</summary>
internal static class Text
{
    public static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}
