namespace Nightshift.TestKit;

/// <summary>One shared bound for anything a test waits on, so a hang fails in seconds instead of stalling CI.</summary>
public static class TestDefaults
{
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>A token that cancels after <see cref="Timeout"/>.</summary>
    public static CancellationToken TimeoutToken() => new CancellationTokenSource(Timeout).Token;

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes; fails the test with <paramref name="what"/> otherwise.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        var pause = TimeSpan.FromMilliseconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 100));
        }
        throw new TimeoutException($"timed out after {(timeout ?? Timeout).TotalSeconds:0}s waiting until {what}");
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, timeout);
}
