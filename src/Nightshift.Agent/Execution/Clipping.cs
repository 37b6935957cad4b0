namespace Nightshift.Agent.Execution;

/// <summary>Text cut to fit a commit title, a stored summary or a pull request line.</summary>
internal static class Clipping
{
    public static string Clip(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";
}
