using System.Diagnostics;
using Nightshift.Agent.RepoMap;
using Nightshift.TestKit.Sandbox;

// Repo map on a generated 10,000-file repository: cold (nothing cached) and warm (cached), p50 of a few runs.
// Baselines measured in the same run: walking the tree (warm target) and reading every file (cold target).
const int FileCount = 10_000;
const int Runs = 5;
const string Commit = "5e1f0c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f";

using var folder = new TempFolder("ns-bench-repomap-");
var root = Path.Combine(folder.Path, "repo");
Generate(root, FileCount);
Console.WriteLine($"generated {FileCount} files in {root}");

var walk = Measure(() => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Count());
var readAll = Measure(() => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Sum(f => File.ReadAllBytes(f).Length));

var cacheRuns = 0;
string FreshCache() => Path.Combine(folder.Path, $"cache-{cacheRuns++}");
RepoMapOptions With(string? cache, bool ctags = true) => new() { CacheFolder = cache, UseCtags = ctags };

var coldCtags = Measure(() => new RepoMapBuilder().BuildAsync(root, Commit, With(FreshCache())).GetAwaiter().GetResult());
var coldPatterns = Measure(() => new RepoMapBuilder().BuildAsync(root, Commit, With(FreshCache(), ctags: false)).GetAwaiter().GetResult());

var builder = new RepoMapBuilder();
var sharedCache = FreshCache();
var first = builder.BuildAsync(root, null, With(sharedCache)).GetAwaiter().GetResult();
builder.BuildAsync(root, Commit, With(sharedCache)).GetAwaiter().GetResult();
var warmStamps = Measure(() => builder.BuildAsync(root, null, With(sharedCache)).GetAwaiter().GetResult());
var warmCommitMemory = Measure(() => builder.BuildAsync(root, Commit, With(sharedCache)).GetAwaiter().GetResult());
var warmCommitDisk = Measure(() => new RepoMapBuilder().BuildAsync(root, Commit, With(sharedCache)).GetAwaiter().GetResult());
var warmContent = Measure(() => new RepoMapBuilder().BuildAsync(root, null, With(sharedCache)).GetAwaiter().GetResult());
var render = Measure(() => first.Render(8_000, ["invoice", "payment"]));

Console.WriteLine($"map: {first.Files.Count} files, {first.Files.Sum(f => f.Symbols.Count)} symbols, {first.Files.Sum(f => f.Imports.Count)} imports, ctags used: {first.Stats.UsedCtags}");
Console.WriteLine();
Console.WriteLine($"{"measure (p50 of " + Runs + ")",-58}{"ms",10}{"× baseline",14}");
Row("baseline: walk the tree", walk, walk);
Row("baseline: read every file", readAll, readAll);
Row("cold, ctags (new builder, empty cache)", coldCtags, readAll);
Row("cold, patterns only (new builder, empty cache)", coldPatterns, readAll);
Row("warm, same builder, no commit (stat check only)", warmStamps, walk);
Row("warm, same builder, known commit (memory)", warmCommitMemory, walk);
Row("warm, new builder, known commit (disk cache)", warmCommitDisk, walk);
Row("warm, new builder, no commit (read + hash, no parse)", warmContent, readAll);
Row("render 8,000 tokens with focus words", render, walk);
Console.WriteLine();
Console.WriteLine($"goal cold ≤ 2000 ms: {(coldCtags <= 2_000 ? "met" : "NOT met")} ({coldCtags:0} ms with ctags, {coldPatterns:0} ms with patterns)");
Console.WriteLine($"goal warm ≤ 50 ms: same builder {(warmStamps <= 50 ? "met" : "NOT met")} ({warmStamps:0.0} ms stat check, {warmCommitMemory:0.00} ms by commit); "
    + $"new builder by commit from disk {(warmCommitDisk <= 50 ? "met" : "NOT met")} ({warmCommitDisk:0.0} ms)");
Console.WriteLine($"load average at the end: {File.ReadAllText("/proc/loadavg").Trim()} on {Environment.ProcessorCount} cores");
return 0;

static double Measure(Action action)
{
    var times = new List<double>();
    for (var i = 0; i < Runs; i++)
    {
        var clock = Stopwatch.StartNew();
        action();
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return times[times.Count / 2];
}

static void Row(string name, double ms, double baseline) =>
    Console.WriteLine($"{name,-58}{ms,10:0.00}{ms / baseline,14:0.00}");

static void Generate(string root, int count)
{
    var languages = new[] { "ts", "py", "go", "cs" };
    File.WriteAllText(Path.Combine(Directory.CreateDirectory(root).FullName, "go.mod"), "module example.com/big\n");
    for (var i = 0; i < count - 1; i++)
    {
        var language = languages[i % languages.Length];
        var package = $"pkg{i / 50 % 40:00}/sub{i / 2_000:0}";
        var folder = Path.Combine(root, language, package);
        Directory.CreateDirectory(folder);
        var name = $"module{i:00000}";
        var target = $"module{i / 7 * 7 % (count - 1):00000}";
        var text = language switch
        {
            "ts" => $"// {name}: handles invoice number {i}.\nimport {{ helper }} from './{target}';\n\nexport class Service{i} {{\n  run(value: number) {{\n    return value * {i};\n  }}\n  stop() {{\n  }}\n}}\n\nexport function make{i}() {{\n  return new Service{i}();\n}}\n",
            "py" => $"\"\"\"{name}: payment rules {i}.\"\"\"\nfrom . import {target}\n\n\nclass Rule{i}:\n    def apply(self, value):\n        return value * {i}\n\n    def explain(self):\n        return '{name}'\n\n\ndef make_{i}():\n    return Rule{i}()\n",
            "go" => $"// Package sub{i / 2_000} holds {name}.\npackage sub{i / 2_000}\n\nimport \"example.com/big/go/pkg{i / 50 % 40:00}/sub{i / 2_000}\"\n\ntype Store{i} struct{{ n int }}\n\nfunc (s *Store{i}) Add(v int) {{ s.n += v }}\n\nfunc New{i}() *Store{i} {{ return &Store{i}{{}} }}\n",
            _ => $"namespace Big.Pkg{i / 50 % 40}.Sub{i / 2_000};\n\n/// <summary>{name} keeps orders.</summary>\npublic sealed class Order{i}\n{{\n    public int Total(int x) => x * {i};\n\n    public void Clear()\n    {{\n    }}\n}}\n",
        };
        File.WriteAllText(Path.Combine(folder, $"{name}.{language}"), text);
    }
}
