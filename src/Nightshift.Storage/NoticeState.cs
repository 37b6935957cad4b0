namespace Nightshift.Storage;

/// <summary>Where one notice to a forge stands.</summary>
public enum NoticeState
{
    /// <summary>Recorded as about to be posted; still so after a crash mid-post, when nobody knows whether it landed.</summary>
    Sending,

    /// <summary>The forge took it.</summary>
    Posted,

    /// <summary>The forge refused or was unreachable; the notice is tried again later.</summary>
    Failed,

    /// <summary>Given up after too many failures, or not postable at all; never tried again.</summary>
    Abandoned,
}
