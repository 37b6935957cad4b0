namespace Nightshift.Sandbox.Internal;

/// <summary>
/// The jail's own identity files. The host's passwd, group and hosts name its users, services and internal machines;
/// the jail gets small stand-ins instead, written once to the state folder and mounted read-only.
/// </summary>
internal static class JailEtc
{
    public const int Uid = 1000;
    public const string Hostname = "nightshift";

    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        ["passwd"] = $"""
            root:x:0:0:root:/root:/usr/sbin/nologin
            sandbox:x:{Uid}:{Uid}:Nightshift sandbox:{SandboxPaths.Home}:/bin/bash
            nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin

            """,
        ["group"] = $"""
            root:x:0:
            sandbox:x:{Uid}:
            nogroup:x:65534:

            """,
        ["hosts"] = $"""
            127.0.0.1 localhost {Hostname}
            ::1 localhost ip6-localhost ip6-loopback

            """,
        ["hostname"] = Hostname + "\n",
        ["nsswitch.conf"] = """
            passwd: files
            group: files
            shadow: files
            hosts: files dns
            networks: files
            protocols: files
            services: files

            """,
    };

    /// <summary>Names of the files <see cref="Ensure"/> writes, relative to /etc.</summary>
    public static IEnumerable<string> Names => Files.Keys;

    /// <summary>Writes the files into <paramref name="folder"/> unless they are already there with the same content.</summary>
    public static void Ensure(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, content) in Files)
        {
            var path = Path.Join(folder, name);
            if (File.Exists(path) && File.ReadAllText(path) == content)
            {
                continue;
            }
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temporary, content);
            File.Move(temporary, path, overwrite: true);
        }
    }
}
