namespace Nightshift.Sandbox.Network;

/// <summary>
/// One entry of <c>Sandbox:Egress:Credentials</c>: a header the egress proxy sets on every request a jailed command
/// sends to <see cref="Host"/>:<see cref="Port"/>, its value from the configuration (<see cref="Value"/>) or from the
/// task's organisation's secret named <see cref="Secret"/> — exactly one of the two.
/// </summary>
public sealed class EgressCredentialOptions
{
    /// <summary>The exact host name (no patterns), e.g. <c>npm.internal.example</c>.</summary>
    public string? Host { get; set; }

    /// <summary>The port: 443 for https (the default), 80 for plain http.</summary>
    public int Port { get; set; } = 443;

    /// <summary>The header set on each request; <c>Authorization</c> by default.</summary>
    public string Header { get; set; } = "Authorization";

    /// <summary><c>Bearer</c> (the default: <c>Bearer value</c>), <c>Basic</c> (<c>Basic base64(Username:value)</c>) or <c>none</c> (the value as it is).</summary>
    public string Scheme { get; set; } = "Bearer";

    /// <summary>The user name of a <c>Basic</c> credential; only with Basic.</summary>
    public string? Username { get; set; }

    /// <summary>The secret itself, from configuration or the environment (<c>Sandbox__Egress__Credentials__0__Value</c>).</summary>
    public string? Value { get; set; }

    /// <summary>The name of an organisation secret of the task's organisation that holds the value.</summary>
    public string? Secret { get; set; }

    /// <summary>The whole header value for <paramref name="value"/> under <see cref="Scheme"/>.</summary>
    public string HeaderValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Scheme.ToUpperInvariant() switch
        {
            "BASIC" => "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Username}:{value}")),
            "NONE" => value,
            _ => "Bearer " + value,
        };
    }

    /// <summary>What is wrong with this entry (one message per problem, naming <paramref name="setting"/>), or none.</summary>
    public IEnumerable<string> Problems(string setting)
    {
        if (string.IsNullOrWhiteSpace(Host) || !IsHostName(Host))
        {
            yield return $"{setting}:Host '{Host}' is not a host name; write the exact name the requests go to, e.g. npm.internal.example (no scheme, port or pattern)";
        }
        if (Port is < 1 or > 65535)
        {
            yield return $"{setting}:Port is {Port}; use 443 for https or the port the host listens on (1–65535)";
        }
        if (string.IsNullOrEmpty(Header) || Header.Length > 64 || !Header.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal))
            || Header.Equals("Host", StringComparison.OrdinalIgnoreCase) || Header.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
            || Header.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || Header.Equals("Connection", StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{setting}:Header '{Header}' is not a header name the proxy may set; use a token such as Authorization or X-Api-Key (not Host, Connection, Content-Length or Transfer-Encoding)";
        }
        var scheme = Scheme?.ToUpperInvariant();
        if (scheme is not ("BEARER" or "BASIC" or "NONE"))
        {
            yield return $"{setting}:Scheme '{Scheme}' is not known; use Bearer, Basic or none";
        }
        if (scheme == "BASIC" && string.IsNullOrEmpty(Username))
        {
            yield return $"{setting}:Username is missing; a Basic credential needs the user name (the password is the Value or Secret)";
        }
        if (scheme != "BASIC" && Username is not null)
        {
            yield return $"{setting}:Username is set, but only a Basic credential has one; remove it or set Scheme to Basic";
        }
        if (Username is not null && (Username.Contains(':', StringComparison.Ordinal) || !IsVisible(Username)))
        {
            yield return $"{setting}:Username holds a ':' or a character that is not printable ASCII";
        }
        var hasValue = !string.IsNullOrEmpty(Value);
        var hasSecret = !string.IsNullOrEmpty(Secret);
        if (hasValue == hasSecret)
        {
            yield return $"{setting} needs exactly one of Value (the secret, from configuration or the environment) and Secret (the name of an organisation secret); it has {(hasValue ? "both" : "neither")}";
        }
        if (hasValue && !IsVisible(Value!))
        {
            yield return $"{setting}:Value holds a character that is not printable ASCII (or a line break); header values cannot carry it";
        }
        if (hasSecret && (Secret!.Length > 128 || !Secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')))
        {
            yield return $"{setting}:Secret '{Secret}' is not a secret name (letters, digits, '_', '-', '.'; at most 128)";
        }
    }

    /// <summary>True when <paramref name="value"/> can be a header value: printable ASCII and spaces, no line breaks.</summary>
    public static bool IsVisible(string value) => value.Length is > 0 and <= 8192 && value.All(c => c is >= ' ' and <= '~');

    private static bool IsHostName(string host)
    {
        if (System.Net.IPAddress.TryParse(host, out _))
        {
            return !host.Contains('%', StringComparison.Ordinal);
        }
        var name = host.EndsWith('.') ? host[..^1] : host;
        return name.Length is > 0 and <= 253 && name.Split('.').All(l => l.Length is > 0 and <= 63 && !l.StartsWith('-') && !l.EndsWith('-') && l.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }
}
