using System.Security.Cryptography;

namespace Nightshift.Forges.Configuration;

/// <summary>
/// Reads the secret files the operator names (<c>TokenFile</c>, <c>PrivateKeyFile</c>): regular files only, small,
/// and not readable by anyone but the service's user, so a key left world-readable is refused rather than used.
/// Messages name the setting and the path, never the content.
/// </summary>
internal static class ForgeSecretFiles
{
    public const int MaxBytes = 64 * 1024;

    /// <returns>the file's text, or null with <paramref name="problem"/> saying what is wrong and what to do.</returns>
    public static string? Read(string path, out string? problem)
    {
        problem = null;
        if (!Path.IsPathFullyQualified(path))
        {
            problem = $"is '{ForgeDefaults.Shown(path)}'; give an absolute path (starting with '/')";
            return null;
        }
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null)
            {
                problem = $"names '{ForgeDefaults.Shown(path)}', which is not a regular file; give the path of the file itself";
                return null;
            }
            if (info.Length > MaxBytes)
            {
                problem = $"names '{ForgeDefaults.Shown(path)}', which is {info.Length} bytes; a credential file holds at most {MaxBytes}";
                return null;
            }
            if (!OperatingSystem.IsWindows() && (info.UnixFileMode & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
            {
                problem = $"names '{ForgeDefaults.Shown(path)}', which others may read; make it readable by the service only (chmod 600)";
                return null;
            }
            var text = File.ReadAllText(path).Trim();
            if (text.Length == 0)
            {
                problem = $"names '{ForgeDefaults.Shown(path)}', which is empty; put the credential in it";
                return null;
            }
            return text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"names '{ForgeDefaults.Shown(path)}', which cannot be read ({e.GetType().Name}); give the service's user read access";
            return null;
        }
    }

    /// <returns>the RSA key in the PEM file, or null with <paramref name="problem"/> saying what is wrong.</returns>
    public static RSA? ReadRsaKey(string path, out string? problem)
    {
        if (Read(path, out problem) is not { } pem)
        {
            return null;
        }
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (ArgumentException)
        {
            rsa.Dispose();
            problem = $"names '{ForgeDefaults.Shown(path)}', which holds no RSA private key in PEM form; download the app's private key (.pem) from its settings page";
            return null;
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            problem = $"names '{ForgeDefaults.Shown(path)}', whose RSA private key cannot be read; download the app's private key (.pem) again";
            return null;
        }
    }
}
