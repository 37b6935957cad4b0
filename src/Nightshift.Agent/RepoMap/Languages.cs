namespace Nightshift.Agent.RepoMap;

/// <summary>File extension → language name, and the extensions that are never text.</summary>
internal static class Languages
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".cs"] = "csharp", [".js"] = "javascript", [".jsx"] = "javascript", [".mjs"] = "javascript", [".cjs"] = "javascript",
        [".ts"] = "typescript", [".tsx"] = "typescript", [".mts"] = "typescript", [".py"] = "python", [".go"] = "go",
        [".java"] = "java", [".rs"] = "rust", [".c"] = "c", [".h"] = "c", [".cpp"] = "cpp", [".cc"] = "cpp",
        [".hpp"] = "cpp", [".rb"] = "ruby", [".php"] = "php", [".kt"] = "kotlin", [".swift"] = "swift",
    };

    private static readonly HashSet<string> BinaryExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".tiff", ".psd", ".pdf", ".zip", ".gz", ".tgz",
        ".bz2", ".xz", ".7z", ".rar", ".jar", ".war", ".class", ".exe", ".dll", ".so", ".dylib", ".a", ".o", ".obj",
        ".lib", ".pdb", ".wasm", ".bin", ".dat", ".db", ".sqlite", ".mp3", ".mp4", ".mov", ".avi", ".wav", ".ogg",
        ".woff", ".woff2", ".ttf", ".otf", ".eot", ".pyc", ".nupkg", ".snk", ".keystore", ".iso", ".dmg",
    };

    public static string? Of(string path) => ByExtension.GetValueOrDefault(Path.GetExtension(path));

    public static bool IsBinaryExtension(string path) => BinaryExtensions.Contains(Path.GetExtension(path));

    /// <summary>Files a program usually starts from; they rank high in the map.</summary>
    public static bool IsEntryPoint(string path) => Path.GetFileName(path) switch
    {
        "Program.cs" or "Startup.cs" or "main.go" or "main.py" or "__main__.py" or "app.py" or "manage.py"
            or "main.rs" or "lib.rs" or "Main.java" or "Application.java" => true,
        var name => name.StartsWith("index.", StringComparison.Ordinal) || name.StartsWith("main.", StringComparison.Ordinal)
            || name.StartsWith("server.", StringComparison.Ordinal) || name.StartsWith("app.", StringComparison.Ordinal),
    } && Of(path) is not null;

    /// <summary>Build and package manifests: short, and they say what the project is.</summary>
    public static bool IsManifest(string path) => Path.GetFileName(path) switch
    {
        "package.json" or "go.mod" or "Cargo.toml" or "pyproject.toml" or "setup.py" or "pom.xml" or "build.gradle"
            or "README.md" or "AGENTS.md" => true,
        var name => name.EndsWith(".csproj", StringComparison.Ordinal) || name.EndsWith(".sln", StringComparison.Ordinal) || name.EndsWith(".slnx", StringComparison.Ordinal),
    };
}
