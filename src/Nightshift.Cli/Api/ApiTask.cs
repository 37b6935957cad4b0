using System.Text.Json;
using Nightshift.Core.Tasks;

namespace Nightshift.Cli.Api;

/// <summary>A task as the server sent it: typed for people, and the original JSON for <c>--json</c> so nothing is lost.</summary>
internal sealed record ApiTask(TaskRecord Task, JsonElement Json);
