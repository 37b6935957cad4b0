using System.Globalization;
using System.Threading.Channels;
using Nightshift.Cli.Api;
using Nightshift.Core.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Nightshift.Cli.Output;

/// <summary>The terminal view of a running task: status, phase, elapsed time, tokens, cost and the latest events.</summary>
internal static class LiveView
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(IAnsiConsole console, LiveState state, IAsyncEnumerable<ApiEvent> events, TimeProvider time, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<ApiEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in events.WithCancellation(cancellationToken))
                {
                    await channel.Writer.WriteAsync(e, cancellationToken);
                }
                channel.Writer.Complete();
            }
            catch (Exception error)
            {
                channel.Writer.Complete(error);
            }
        }, cancellationToken);

        await console.Live(Render(state, time.GetUtcNow()))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async context =>
            {
                while (true)
                {
                    using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    tick.CancelAfter(Tick);
                    bool more;
                    try
                    {
                        more = await channel.Reader.WaitToReadAsync(tick.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // No event this second; redraw so the elapsed time moves.
                        context.UpdateTarget(Render(state, time.GetUtcNow()));
                        continue;
                    }
                    if (!more)
                    {
                        break;
                    }
                    while (channel.Reader.TryRead(out var e))
                    {
                        state.Apply(e);
                    }
                    context.UpdateTarget(Render(state, time.GetUtcNow()));
                }
            });
        // Surfaces the stream's failure (unreachable, not found) to the caller.
        await channel.Reader.Completion;
        await pump;
    }

    public static IRenderable Render(LiveState state, DateTimeOffset now)
    {
        var task = state.Task;
        var elapsed = state.StartedAt is { } started ? TaskFormatter.Duration((state.FinishedAt ?? now) - started) : "not started";
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow(new Markup("[bold]task[/]"), new Markup($"{Markup.Escape(task.ShortId)}  {Markup.Escape(SafeText.Clean(task.Title, 100))}"));
        grid.AddRow(new Markup("[bold]status[/]"), new Markup($"[{Colour(state.Status)}]{Markup.Escape(state.Status)}[/]  phase {Markup.Escape(state.Phase)}"));
        grid.AddRow(new Markup("[bold]elapsed[/]"), new Text(elapsed));
        grid.AddRow(
            new Markup("[bold]tokens[/]"),
            new Text(string.Create(CultureInfo.InvariantCulture, $"{state.InputTokens:N0} in / {state.OutputTokens:N0} out   cost {state.Cost}")));
        var lines = state.Recent.Count == 0 ? new Text("(waiting for events)") : new Text(string.Join('\n', state.Recent));
        return new Rows(grid, new Rule().RuleStyle("grey"), lines);
    }

    private static string Colour(string status) => status switch
    {
        "succeeded" => "green",
        "failed" or "timed_out" or "dead" => "red",
        "needs_review" or "awaiting_approval" or "awaiting_input" => "yellow",
        "cancelled" => "grey",
        _ => "blue",
    };
}
