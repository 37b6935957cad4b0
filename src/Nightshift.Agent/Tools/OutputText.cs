namespace Nightshift.Agent.Tools;

/// <summary>Keeps the head and the tail of long text, where compiler errors and test summaries usually are.</summary>
public static class OutputText
{
    public static string Cap(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }
        var head = maxChars / 3;
        var tail = maxChars - head;
        return $"{text[..head]}\n… [{text.Length - maxChars} characters cut] …\n{text[^tail..]}";
    }
}
