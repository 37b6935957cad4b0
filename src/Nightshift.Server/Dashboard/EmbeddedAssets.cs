using System.Reflection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Nightshift.Server.Dashboard;

/// <summary>
/// The dashboard's static files, read from this assembly's resources named <c>wwwroot/&lt;path&gt;</c>; served under
/// <see cref="RequestPath"/>. Library files are present only when the build found them (scripts/setup.sh installs them).
/// </summary>
internal sealed class EmbeddedAssets : IFileProvider
{
    public const string RequestPath = "/assets";
    private const string Prefix = "wwwroot/";

    private readonly Assembly _assembly = typeof(EmbeddedAssets).Assembly;
    private readonly HashSet<string> _names;
    private readonly DateTimeOffset _built;

    public EmbeddedAssets()
    {
        _names = [.. _assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))];
        var location = _assembly.Location;
        _built = string.IsNullOrEmpty(location) ? DateTimeOffset.UnixEpoch : File.GetLastWriteTimeUtc(location);
        Version = _assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];
    }

    /// <summary>Changes with every build; appended to asset links so browsers never keep a stale script.</summary>
    public string Version { get; }

    public bool Has(string path) => _names.Contains(Prefix + path.TrimStart('/'));

    /// <summary>The link to an asset, with the build's version as a query.</summary>
    public string Link(string path) => $"{RequestPath}/{path.TrimStart('/')}?v={Version}";

    public IFileInfo GetFileInfo(string subpath)
    {
        var name = Prefix + subpath.TrimStart('/');
        return _names.Contains(name) ? new Resource(_assembly, name, _built) : new NotFoundFileInfo(subpath);
    }

    public IDirectoryContents GetDirectoryContents(string subpath) => NotFoundDirectoryContents.Singleton;

    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;

    private sealed class Resource(Assembly assembly, string name, DateTimeOffset lastModified) : IFileInfo
    {
        public bool Exists => true;

        public long Length
        {
            get
            {
                using var stream = CreateReadStream();
                return stream.Length;
            }
        }

        public string? PhysicalPath => null;

        public string Name { get; } = Path.GetFileName(name);

        public DateTimeOffset LastModified { get; } = lastModified;

        public bool IsDirectory => false;

        public Stream CreateReadStream() => assembly.GetManifestResourceStream(name) ?? throw new FileNotFoundException(name);
    }
}
