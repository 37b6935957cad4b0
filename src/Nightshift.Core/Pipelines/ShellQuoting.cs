namespace Nightshift.Core.Pipelines;

/// <summary>Where in <c>sh</c>'s quoting a position of a script is, so a placeholder's variable is quoted to fit.</summary>
internal enum ShellQuoting
{
    None,
    Single,
    Double,
}
