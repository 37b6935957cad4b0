namespace Nightshift.Core.Errors;

/// <summary>Base of errors whose message is written for the person who caused them.</summary>
public abstract class NightshiftException : Exception
{
    protected NightshiftException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
