namespace Nightshift.Sandbox;

/// <summary>Which stream a line of output came from.</summary>
public enum OutputStream
{
    Stdout,
    Stderr,
}
