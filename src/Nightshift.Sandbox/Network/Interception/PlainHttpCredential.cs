using System.Text;

namespace Nightshift.Sandbox.Network.Interception;

/// <summary>Sets a credential's header on a plain-http request head the proxy forwards, replacing whatever the command sent under that name.</summary>
internal static class PlainHttpCredential
{
    public static string Apply(string forwardedHead, EgressCredential credential)
    {
        var lines = forwardedHead.Split("\r\n");
        var builder = new StringBuilder(forwardedHead.Length + credential.HeaderValue.Length + 32);
        builder.Append(lines[0]).Append("\r\n");
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Equals(credential.HeaderName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            builder.Append(line).Append("\r\n");
        }
        builder.Append(credential.HeaderName).Append(": ").Append(credential.HeaderValue).Append("\r\n\r\n");
        return builder.ToString();
    }
}
