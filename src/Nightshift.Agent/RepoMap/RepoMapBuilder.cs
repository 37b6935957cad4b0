using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nightshift.Workspaces.Files;

namespace Nightshift.Agent.RepoMap;

/// <summary>
/// Builds repository maps and caches them at three levels, so a map is never rebuilt per message: per commit
/// (memory, then <c>&lt;cache&gt;/commits/&lt;sha&gt;.json</c>), per file stamp (size and modification time, in
/// memory: unchanged files are not even read) and per content hash (<c>&lt;cache&gt;/facts-v1.json</c>, shared by every
/// worktree of the repository). Keep one instance for the life of the worker. Pass <c>commit</c> only when the
/// worktree is exactly that commit (e.g. right after checkout); after edits pass null.
/// </summary>
public sealed partial class RepoMapBuilder
{
    private const string FactsFile = "facts-v1.json";
    private const int MaxCachedFacts = 200_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, FileFacts> _facts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Dictionary<string, Stamp>> _stamps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RepoMap> _commits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string[] Paths, List<RepoMapFile> Files)> _lastBuild = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _loadedFolders = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<RepoMap> BuildAsync(string worktree, string? commit, RepoMapOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(worktree));
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"cannot map '{worktree}': the folder does not exist");
        }
        commit = commit is not null && CommitPattern().IsMatch(commit) ? commit.ToLowerInvariant() : null;

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (commit is not null && LoadCommit(commit, options) is { } cached)
            {
                return new RepoMap(commit, cached.Files, new RepoMapStats(cached.Files.Count, 0, 0, 0, false, true, clock.Elapsed));
            }
            LoadFacts(options);

            var (entries, skipped) = RepoScanner.Scan(root, options, cancellationToken);
            var stamps = _stamps.GetOrAdd(root, _ => new Dictionary<string, Stamp>(StringComparer.Ordinal));
            var known = new Dictionary<string, (Stamp Stamp, FileFacts Facts)>(StringComparer.Ordinal);
            var toRead = new List<RepoScanner.Entry>();
            foreach (var entry in entries)
            {
                if (stamps.TryGetValue(entry.Path, out var stamp) && stamp.Size == entry.Size && stamp.Ticks == entry.Ticks
                    && _facts.TryGetValue(stamp.Hash, out var facts))
                {
                    known[entry.Path] = (stamp, facts);
                }
                else
                {
                    toRead.Add(entry);
                }
            }

            var read = new ConcurrentBag<(RepoScanner.Entry Entry, string Hash, string? Text)>();
            await Parallel.ForEachAsync(toRead, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, async (entry, token) =>
            {
                byte[] bytes;
                try
                {
                    var content = await RepoFiles.ReadAsync(root, entry.Path, options.MaxFileBytes, token).ConfigureAwait(false);
                    if (content.Truncated)
                    {
                        return;
                    }
                    bytes = content.Bytes;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return;
                }
                var hash = Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16));
                var binary = bytes.AsSpan(0, Math.Min(bytes.Length, 8_000)).Contains((byte)0);
                read.Add((entry, hash, _facts.ContainsKey(hash) ? null : binary ? "\0" : Encoding.UTF8.GetString(bytes)));
            }).ConfigureAwait(false);

            var toParse = read.Where(r => r.Text is not null).ToList();
            var usedCtags = false;
            Dictionary<string, List<RepoSymbol>>? tags = null;
            var ctagsFiles = toParse
                .Where(r => r.Text != "\0" && Languages.Of(r.Entry.Path) is not null && IsPlainName(r.Entry.Path))
                .Select(r => r.Entry.Path)
                .ToList();
            if (options.UseCtags && ctagsFiles.Count > 0 && CtagsRunner.Locate(options.CtagsPath) is { } ctags)
            {
                tags = await RunCtagsAsync(ctags, root, ctagsFiles, options.CtagsTimeout, cancellationToken).ConfigureAwait(false);
                usedCtags = tags is not null;
            }
            var parsed = 0;
            Parallel.ForEach(toParse, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, r =>
            {
                FileFacts facts;
                if (r.Text == "\0")
                {
                    facts = new FileFacts(null, null, [], [], [], Binary: true);
                }
                else
                {
                    var fromCtags = tags is not null && tags.TryGetValue(r.Entry.Path, out var list) ? list : null;
                    facts = SourceReader.Read(r.Entry.Path, r.Text!, withSymbols: fromCtags is null);
                    if (fromCtags is not null)
                    {
                        facts = facts with { Symbols = fromCtags };
                    }
                }
                _facts.TryAdd(r.Hash, facts);
                Interlocked.Increment(ref parsed);
            });
            foreach (var r in read)
            {
                var stamp = new Stamp(r.Entry.Size, r.Entry.Ticks, r.Hash);
                stamps[r.Entry.Path] = stamp;
                known[r.Entry.Path] = (stamp, _facts[r.Hash]);
            }

            var paths = entries.Select(e => e.Path).ToArray();
            if (read.IsEmpty && _lastBuild.TryGetValue(root, out var last) && last.Paths.AsSpan().SequenceEqual(paths))
            {
                // Nothing read and the same files as last time: the import graph cannot have changed.
                var unchanged = new RepoMap(commit, last.Files, new RepoMapStats(entries.Count, 0, 0, skipped + (paths.Length - last.Files.Count), false, false, clock.Elapsed));
                if (commit is not null)
                {
                    SaveCommit(commit, unchanged, options);
                }
                return unchanged;
            }

            var textFiles = known.Where(k => !k.Value.Facts.Binary).ToDictionary(k => k.Key, k => k.Value.Facts, StringComparer.Ordinal);
            skipped += known.Count - textFiles.Count;
            var files = Assemble(root, textFiles, known);
            _lastBuild[root] = (paths, files);
            if (parsed > 0)
            {
                SaveFacts(options);
            }
            var map = new RepoMap(commit, files, new RepoMapStats(entries.Count, read.Count, parsed, skipped, usedCtags, false, clock.Elapsed));
            if (commit is not null)
            {
                SaveCommit(commit, map, options);
            }
            return map;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static List<RepoMapFile> Assemble(string root, Dictionary<string, FileFacts> files, Dictionary<string, (Stamp Stamp, FileFacts Facts)> known)
    {
        var goModule = files.ContainsKey("go.mod") ? GoModule(root) : null;
        var imports = ImportResolver.Resolve(files, goModule);
        var referencedBy = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var targets in imports.Values)
        {
            foreach (var target in targets)
            {
                referencedBy[target] = referencedBy.GetValueOrDefault(target) + 1;
            }
        }
        return [.. files.Keys.Order(StringComparer.Ordinal).Select(path =>
        {
            var facts = files[path];
            return new RepoMapFile(
                path,
                facts.Language,
                facts.Summary,
                facts.Symbols,
                imports.TryGetValue(path, out var list) ? list : [],
                referencedBy.GetValueOrDefault(path),
                known[path].Stamp.Size,
                known[path].Stamp.Hash);
        })];
    }

    private static async Task<Dictionary<string, List<RepoSymbol>>?> RunCtagsAsync(
        string ctags, string root, List<string> files, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Two halves in parallel: ctags is single-threaded and the map is built while a person waits.
        var half = files.Count < 200 ? files.Count : files.Count / 2;
        var parts = await Task.WhenAll(
            CtagsRunner.RunAsync(ctags, root, files[..half], timeout, cancellationToken),
            half < files.Count ? CtagsRunner.RunAsync(ctags, root, files[half..], timeout, cancellationToken) : Task.FromResult<Dictionary<string, List<RepoSymbol>>?>([]))
            .ConfigureAwait(false);
        if (parts[0] is null || parts[1] is null)
        {
            return null;
        }
        foreach (var (path, symbols) in parts[1]!)
        {
            parts[0]![path] = symbols;
        }
        return parts[0];
    }

    private static string? GoModule(string root)
    {
        try
        {
            var head = Encoding.UTF8.GetString(RepoFiles.Read(root, "go.mod", 16 * 1024).Bytes);
            return head.Split('\n').Take(50).Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("module ", StringComparison.Ordinal))?[7..].Trim().Trim('"');
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>ctags reads its file list one name per line, trimmed; other names get the pattern extractor.</summary>
    private static bool IsPlainName(string path) => !path.Any(char.IsControl) && path.Trim() == path && !path.StartsWith('-');

    private RepoMap? LoadCommit(string commit, RepoMapOptions options)
    {
        if (_commits.TryGetValue(commit, out var map))
        {
            return map;
        }
        if (options.CacheFolder is null)
        {
            return null;
        }
        var path = Path.Combine(options.CacheFolder, "commits", commit + ".json");
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }
            using var stream = File.OpenRead(path);
            var files = JsonSerializer.Deserialize<List<RepoMapFile>>(stream, Json);
            if (files is null)
            {
                return null;
            }
            map = new RepoMap(commit, files, new RepoMapStats(files.Count, 0, 0, 0, false, true, TimeSpan.Zero));
            _commits[commit] = map;
            return map;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // A damaged cache is rebuilt, never trusted.
            return null;
        }
    }

    private void SaveCommit(string commit, RepoMap map, RepoMapOptions options)
    {
        _commits[commit] = map;
        if (options.CacheFolder is not null)
        {
            WriteAtomically(Path.Combine(options.CacheFolder, "commits", commit + ".json"), map.Files);
        }
    }

    private void LoadFacts(RepoMapOptions options)
    {
        if (options.CacheFolder is null || !_loadedFolders.TryAdd(options.CacheFolder, true))
        {
            return;
        }
        try
        {
            var path = Path.Combine(options.CacheFolder, FactsFile);
            if (!File.Exists(path))
            {
                return;
            }
            using var stream = File.OpenRead(path);
            foreach (var (hash, facts) in JsonSerializer.Deserialize<Dictionary<string, FileFacts>>(stream, Json) ?? [])
            {
                _facts.TryAdd(hash, facts);
            }
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
        }
    }

    private void SaveFacts(RepoMapOptions options)
    {
        if (options.CacheFolder is null)
        {
            return;
        }
        if (_facts.Count > MaxCachedFacts)
        {
            // Crude but bounded: start over rather than grow without limit.
            _facts.Clear();
            return;
        }
        WriteAtomically(Path.Combine(options.CacheFolder, FactsFile), _facts);
    }

    private static void WriteAtomically<T>(string path, T value)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            using (var stream = File.Create(temporary))
            {
                JsonSerializer.Serialize(stream, value, Json);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The cache is an optimisation: a read-only or full disk must not fail the task.
        }
    }

    [GeneratedRegex(@"^[0-9a-fA-F]{7,64}\z")]
    private static partial Regex CommitPattern();

    private sealed record Stamp(long Size, long Ticks, string Hash);
}
