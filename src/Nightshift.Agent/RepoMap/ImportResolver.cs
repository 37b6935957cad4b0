namespace Nightshift.Agent.RepoMap;

/// <summary>Turns import specifiers into repository paths, roughly, per language; anything external is dropped.</summary>
internal static class ImportResolver
{
    private static readonly string[] ScriptExtensions = [".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts"];
    private const int MaxNamespaceFanOut = 30;

    public static Dictionary<string, List<string>> Resolve(IReadOnlyDictionary<string, FileFacts> files, string? goModule)
    {
        var paths = new HashSet<string>(files.Keys, StringComparer.Ordinal);
        var namespaces = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var goFolders = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (path, facts) in files)
        {
            foreach (var ns in facts.Namespaces)
            {
                if (!namespaces.TryGetValue(ns, out var list))
                {
                    namespaces[ns] = list = [];
                }
                list.Add(path);
            }
            if (facts.Language == "go" && !path.EndsWith("_test.go", StringComparison.Ordinal))
            {
                var folder = Folder(path);
                if (!goFolders.TryGetValue(folder, out var list))
                {
                    goFolders[folder] = list = [];
                }
                list.Add(path);
            }
        }

        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (path, facts) in files)
        {
            var targets = new HashSet<string>(StringComparer.Ordinal);
            foreach (var spec in facts.Imports)
            {
                switch (facts.Language)
                {
                    case "javascript" or "typescript" when spec.StartsWith('.'):
                        AddFirst(targets, paths, Script(Join(Folder(path), spec)));
                        break;
                    case "python":
                        AddFirst(targets, paths, Python(path, spec));
                        break;
                    case "go" when goModule is not null && (spec == goModule || spec.StartsWith(goModule + "/", StringComparison.Ordinal)):
                        if (goFolders.TryGetValue(spec == goModule ? "" : spec[(goModule.Length + 1)..], out var goFiles))
                        {
                            targets.UnionWith(goFiles);
                        }
                        break;
                    case "csharp":
                        if (namespaces.TryGetValue(spec, out var nsFiles))
                        {
                            targets.UnionWith(nsFiles.Take(MaxNamespaceFanOut));
                        }
                        break;
                    case "java":
                        var suffix = spec.Replace('.', '/') + ".java";
                        AddFirst(targets, paths, paths.Where(p => p == suffix || p.EndsWith("/" + suffix, StringComparison.Ordinal)).Take(1));
                        break;
                    case "rust":
                        var folder = Folder(path);
                        AddFirst(targets, paths, [Join(folder, spec + ".rs"), Join(folder, spec + "/mod.rs")]);
                        break;
                }
            }
            targets.Remove(path);
            if (targets.Count > 0)
            {
                result[path] = [.. targets.Order(StringComparer.Ordinal)];
            }
        }
        return result;
    }

    private static IEnumerable<string> Script(string basePath)
    {
        yield return basePath;
        foreach (var extension in ScriptExtensions)
        {
            yield return basePath + extension;
        }
        foreach (var extension in ScriptExtensions)
        {
            yield return basePath + "/index" + extension;
        }
        // TypeScript sources import their compiled name: './x.js' means x.ts.
        if (basePath.EndsWith(".js", StringComparison.Ordinal))
        {
            yield return basePath[..^3] + ".ts";
            yield return basePath[..^3] + ".tsx";
        }
    }

    private static IEnumerable<string> Python(string importer, string spec)
    {
        var dots = spec.TakeWhile(c => c == '.').Count();
        var module = spec[dots..].Replace('.', '/');
        var bases = new List<string>();
        if (dots > 0)
        {
            var folder = Folder(importer);
            for (var i = 1; i < dots; i++)
            {
                folder = Folder(folder);
            }
            bases.Add(folder);
        }
        else
        {
            bases.Add("");
            bases.Add("src");
            bases.Add(Folder(importer));
        }
        foreach (var b in bases)
        {
            var stem = Join(b, module);
            yield return stem + ".py";
            yield return Join(stem, "__init__.py");
        }
    }

    private static void AddFirst(HashSet<string> targets, HashSet<string> paths, IEnumerable<string> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (paths.Contains(candidate))
            {
                targets.Add(candidate);
                return;
            }
        }
    }

    private static string Folder(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    /// <summary>Joins and normalizes '.' and '..'; a path climbing above the root resolves to nothing that exists.</summary>
    private static string Join(string folder, string relative)
    {
        var parts = new List<string>();
        foreach (var part in (folder.Length == 0 ? relative : folder + "/" + relative).Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return "\0outside";
                }
                parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }
}
