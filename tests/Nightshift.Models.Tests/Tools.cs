using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace Nightshift.Models.Tests;

internal static class Tools
{
    public static AIFunction ReadFile { get; } = AIFunctionFactory.Create(
        ([Description("path relative to the repository")] string path) => $"contents of {path}", "read_file", "Reads a file");

    public static AIFunction Search { get; } = AIFunctionFactory.Create(
        (string pattern, int limit) => $"{limit} hits for {pattern}", "search", "Searches the repository");

    public static ChatOptions Options => new() { Tools = [ReadFile, Search] };
}
