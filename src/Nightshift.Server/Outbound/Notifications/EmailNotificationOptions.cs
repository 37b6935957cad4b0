namespace Nightshift.Server.Outbound.Notifications;

/// <summary>Configuration section <c>Notifications:Email</c>: the SMTP server, the sender and who is told about which repository.</summary>
internal sealed class EmailNotificationOptions
{
    public const string StartTls = "starttls";
    public const string Tls = "tls";
    public const string None = "none";

    /// <summary>The SMTP server's host name or address; unset: no email is sent.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary><c>starttls</c> (upgrade after connecting, required), <c>tls</c> (TLS from the start) or <c>none</c>.</summary>
    public string Security { get; set; } = StartTls;

    /// <summary>Allows <c>Security</c> <c>none</c> to a server that is not on this machine.</summary>
    public bool AllowPlaintext { get; set; }

    public string? Username { get; set; }

    /// <summary>A secret: never logged, never in an event, an error or an API answer.</summary>
    public string? Password { get; set; }

    /// <summary>The sender, <c>Nightshift &lt;nightshift@example.com&gt;</c> or a bare address.</summary>
    public string? From { get; set; }

    /// <summary>How long one connection, command or send may take before the attempt counts as timed out.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Named lists of recipients, each for one repository (or <c>*</c> for all); each becomes one endpoint <c>email-&lt;name&gt;</c>.</summary>
    public Dictionary<string, EmailRecipientsOptions> Recipients { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Event types mailed (exact, or a prefix with <c>.*</c>); empty: how tasks end; <c>*</c>: every event.</summary>
    public List<string> Events { get; } = [];

    /// <summary>The <see cref="Security"/> value as written, in lower case.</summary>
    public string SecurityMode => (Security ?? "").Trim().ToLowerInvariant();
}
