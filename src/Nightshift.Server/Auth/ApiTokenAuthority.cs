using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Nightshift.Core.Configuration;
using Nightshift.Server.Hosting;

namespace Nightshift.Server.Auth;

/// <summary>
/// The first admin's API token (generated at first start, or <c>Auth:Token</c>): only its SHA-256 stays in memory; the token
/// itself lives in the data folder (mode 0600) for the CLI to read. <see cref="BootstrapAdmin"/> registers it in the store
/// as the token of the default organisation's first admin, where every token is checked.
/// </summary>
internal sealed class ApiTokenAuthority
{
    public const string Prefix = "ns_";
    public const string HashFileName = "token.sha256";
    private const int MinConfiguredLength = 16;

    private readonly byte[] _hash;

    private ApiTokenAuthority(byte[] hash, string whereToFindIt, bool configured, string? token = null)
    {
        _hash = hash;
        Hint = token is null ? Prefix + "…" : token[..Math.Min(7, token.Length)];
        WhereToFindIt = whereToFindIt;
        IsConfigured = configured;
    }

    /// <summary>Words for a person who was refused: where the token is.</summary>
    public string WhereToFindIt { get; }

    public bool IsConfigured { get; }

    /// <summary>SHA-256 of the token's UTF-8, as the store keeps tokens.</summary>
    public byte[] Hash => [.. _hash];

    /// <summary>The token's first characters (to tell tokens apart in lists), or the prefix alone when only the hash is known.</summary>
    public string Hint { get; }

    public bool IsValid(string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 512)
        {
            return false;
        }
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }

    /// <summary>
    /// Uses the configured token, else the one saved in the data folder, else makes a new one, saves it and
    /// writes it once to <paramref name="console"/>.
    /// </summary>
    /// <exception cref="ServerConfigurationException">the configured token is too short to be safe.</exception>
    public static ApiTokenAuthority Initialize(string dataDirectory, string? configuredToken, TextWriter? console)
    {
        if (!string.IsNullOrWhiteSpace(configuredToken))
        {
            var token = configuredToken.Trim();
            if (token.Length < MinConfiguredLength || token.Any(char.IsControl) || token.Contains(' ', StringComparison.Ordinal))
            {
                throw new ServerConfigurationException(
                    $"the configured API token (Auth:Token, NIGHTSHIFT__Auth__Token) must be at least {MinConfiguredLength} characters without spaces; " +
                    "remove it to let the server generate one, or set a longer one");
            }
            return new ApiTokenAuthority(HashOf(token), "the token configured as Auth:Token (environment: NIGHTSHIFT__Auth__Token)", configured: true, token);
        }

        EnsureDirectory(dataDirectory);
        var tokenFile = NightshiftPaths.TokenFile(dataDirectory);
        var hashFile = Path.Combine(dataDirectory, HashFileName);
        var where = $"the token saved in {tokenFile}";

        if (File.Exists(tokenFile))
        {
            RestrictToOwner(tokenFile);
            var saved = File.ReadAllText(tokenFile).Trim();
            if (saved.Length > 0)
            {
                var hash = HashOf(saved);
                WriteHashFile(hashFile, hash);
                return new ApiTokenAuthority(hash, where, configured: false, saved);
            }
        }
        else if (File.Exists(hashFile) && TryReadHashFile(hashFile) is { } keptHash)
        {
            return new ApiTokenAuthority(
                keptHash,
                $"the token once saved in {tokenFile} (the file is gone: delete {hashFile} and restart the server to get a new token)",
                configured: false);
        }

        var fresh = Generate();
        WriteOwnerOnly(tokenFile, fresh + "\n");
        var freshHash = HashOf(fresh);
        WriteHashFile(hashFile, freshHash);
        // Console output often ends up in a journal: say where the token is, never the token itself.
        console?.WriteLine($"API token: a new one was generated and saved in {tokenFile} (readable by you only)");
        return new ApiTokenAuthority(freshHash, where, configured: false, fresh);
    }

    /// <summary>32 random bytes, URL-safe base64, with a prefix that makes leaked tokens easy to recognise.</summary>
    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static byte[] HashOf(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static byte[]? TryReadHashFile(string path)
    {
        try
        {
            var hex = File.ReadAllText(path).Trim();
            return hex.Length == SHA256.HashSizeInBytes * 2 ? Convert.FromHexString(hex) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static void WriteHashFile(string path, byte[] hash)
    {
        var hex = Convert.ToHexStringLower(hash);
        if (File.Exists(path) && File.ReadAllText(path).Trim() == hex)
        {
            return;
        }
        File.Delete(path);
        WriteOwnerOnly(path, hex + "\n");
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        // Created with 0600 from the first byte, so the secret is never readable by others, not even briefly.
        var temp = path + ".tmp-" + Environment.ProcessId;
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private static void EnsureDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
