using System.Diagnostics;
using System.Globalization;
using Nightshift.Agent.Execution;

namespace Nightshift.Bench.Agent;

/// <summary>
/// What one check of <c>limits.task.disk</c> costs: the walk of a worktree shaped like a JavaScript project after
/// <c>npm ci</c> (FILES small files in folders of 100), beside <c>du -sb</c> on the same tree, and what that walk
/// costs spread over the spacing between walks (<see cref="TaskLimitWatch.DiskCheckInterval"/>, or
/// <see cref="TaskLimitWatch.DiskWalkSpacing"/> times the walk's own time when that is longer).
/// </summary>
internal static class DiskWalk
{
    public static async Task RunAsync(int files)
    {
        var root = Directory.CreateTempSubdirectory("ns-bench-disk-").FullName;
        try
        {
            for (var i = 0; i < files; i++)
            {
                var folder = Path.Combine(root, "node_modules", $"pkg{i / 100}");
                if (i % 100 == 0)
                {
                    Directory.CreateDirectory(folder);
                }
                await File.WriteAllTextAsync(Path.Combine(folder, $"f{i}.js"), "module.exports = 1;\n");
            }
            var size = DiskUsage.Of(root);
            var walk = Median(() => DiskUsage.Of(root));
            var du = Median(() => RunDu(root));
            var spacing = Math.Max(TaskLimitWatch.DiskCheckInterval.TotalMilliseconds, walk.TotalMilliseconds * TaskLimitWatch.DiskWalkSpacing);
            var share = walk.TotalMilliseconds / spacing * 100;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"disk walk of {files} files ({size} bytes): {walk.TotalMilliseconds:0.0} ms (median of 5); du -sb: {du.TotalMilliseconds:0.0} ms; ratio {walk / du:0.00}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"at most one walk per {spacing / 1000:0.0} s of commands (the larger of {TaskLimitWatch.DiskCheckInterval.TotalSeconds:0} s and {TaskLimitWatch.DiskWalkSpacing} walks' time): at most {share:0.00}% of a busy task's time"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static TimeSpan Median(Action action)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed);
        }
        times.Sort();
        return times[2];
    }

    private static void RunDu(string root)
    {
        using var process = Process.Start(new ProcessStartInfo("du", ["-sb", root]) { RedirectStandardOutput = true })!;
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
    }
}
