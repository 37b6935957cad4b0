using System.Diagnostics;

namespace Nightshift.Agent.Demo;

/// <summary>
/// The sample repository of <c>nightshift demo</c>: a small shop library for node whose tests run offline in well
/// under a second with node's built-in runner, and which has a real bug — a percentage discount taken off as an
/// amount — caught by one failing test.
/// </summary>
public static class DemoProject
{
    public const string Instruction =
        "The cart total is wrong when a discount is applied: a 10% discount on 200.00 should give 180.00. Fix it; the tests show the expected behaviour.";

    public const string Title = "Fix the cart discount";

    public static IReadOnlyDictionary<string, string> Files { get; } = new Dictionary<string, string>
    {
        ["README.md"] = "# shop\n\nA tiny cart library used by the Nightshift demo.\n\nRun the tests with `node --test`.\n",
        ["AGENTS.md"] = "# Working on shop\n\n- Plain ES modules, no dependencies.\n- Amounts are numbers rounded to cents with `roundCents`.\n- Tests: `node --test`.\n",
        [".nightshift.yml"] = "test: node --test\nnetwork: off\n",
        ["package.json"] = "{\n  \"name\": \"shop\",\n  \"version\": \"1.0.0\",\n  \"type\": \"module\",\n  \"private\": true\n}\n",
        ["src/money.mjs"] =
            "// Rounding helpers: amounts are kept in currency units, rounded to whole cents.\n" +
            "export function roundCents(amount) {\n  return Math.round(amount * 100) / 100;\n}\n",
        ["src/cart.mjs"] =
            "// A shopping cart: line items and their total, with an optional percentage discount.\n" +
            "import { roundCents } from './money.mjs';\n\n" +
            "export function subtotal(items) {\n  return roundCents(items.reduce((sum, item) => sum + item.price * item.quantity, 0));\n}\n\n" +
            "// discountPercent is a percentage between 0 and 100.\n" +
            "export function total(items, discountPercent = 0) {\n" +
            "  if (discountPercent < 0 || discountPercent > 100) {\n    throw new RangeError('discountPercent must be between 0 and 100');\n  }\n" +
            "  const sum = subtotal(items);\n  return roundCents(sum - discountPercent);\n}\n",
        ["test/cart.test.mjs"] =
            "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { subtotal, total } from '../src/cart.mjs';\n\n" +
            "const items = [\n  { name: 'book', price: 50, quantity: 2 },\n  { name: 'lamp', price: 100, quantity: 1 },\n];\n\n" +
            "test('subtotal adds price times quantity', () => {\n  assert.equal(subtotal(items), 200);\n});\n\n" +
            "test('total without discount is the subtotal', () => {\n  assert.equal(total(items), 200);\n});\n\n" +
            "test('a 10% discount takes a tenth off', () => {\n  assert.equal(total(items, 10), 180);\n});\n\n" +
            "test('discounts outside 0-100 are refused', () => {\n  assert.throws(() => total(items, 120), RangeError);\n});\n",
    };

    /// <summary>Writes the sample into <paramref name="folder"/> (which must be empty or absent) as a git repository with one commit on main.</summary>
    public static async Task CreateAsync(string folder, CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new IOException($"'{folder}' is not empty; the demo repository needs a fresh folder");
        }
        Directory.CreateDirectory(folder);
        foreach (var (path, content) in Files)
        {
            var full = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content, cancellationToken);
        }
        await GitAsync(folder, cancellationToken, "init", "--quiet", "--initial-branch=main");
        await GitAsync(folder, cancellationToken, "add", "--all");
        await GitAsync(folder, cancellationToken, "commit", "--quiet", "--no-verify", "-m", "shop: cart with a percentage discount");
    }

    private static async Task GitAsync(string folder, CancellationToken cancellationToken, params string[] arguments)
    {
        // Our own freshly written repository, but still: no user or system configuration, no hooks.
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["GIT_CONFIG_GLOBAL"] = "/dev/null",
            ["GIT_AUTHOR_NAME"] = "Nightshift demo",
            ["GIT_AUTHOR_EMAIL"] = "demo@nightshift.invalid",
            ["GIT_COMMITTER_NAME"] = "Nightshift demo",
            ["GIT_COMMITTER_EMAIL"] = "demo@nightshift.invalid",
            ["GIT_AUTHOR_DATE"] = "2026-01-01T00:00:00Z",
            ["GIT_COMMITTER_DATE"] = "2026-01-01T00:00:00Z",
        })
        {
            start.Environment[key] = value;
        }
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("core.hooksPath=/dev/null");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new IOException("git could not be started");
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new IOException($"git {string.Join(' ', arguments)} failed in the demo repository: {(await error).Trim()}");
        }
    }
}
