using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Api;

/// <summary>The lower-case names channels, states and outcomes have on the wire, and their parsing.</summary>
internal static class OutboundWire
{
    public static string Channel(OutboundChannel channel) => channel.ToString().ToLowerInvariant();

    public static string State(OutboundDeliveryState state) => state.ToString().ToLowerInvariant();

    public static string Outcome(AttemptOutcome outcome) => outcome.ToString().ToLowerInvariant();

    public static string ChannelNames => string.Join(", ", Enum.GetValues<OutboundChannel>().Select(Channel));

    public static string StateNames => string.Join(", ", Enum.GetValues<OutboundDeliveryState>().Select(State));

    public static bool TryParseChannel(string? text, out OutboundChannel channel)
    {
        foreach (var value in Enum.GetValues<OutboundChannel>())
        {
            if (string.Equals(Channel(value), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                channel = value;
                return true;
            }
        }
        channel = default;
        return false;
    }

    public static bool TryParseState(string? text, out OutboundDeliveryState state)
    {
        foreach (var value in Enum.GetValues<OutboundDeliveryState>())
        {
            if (string.Equals(State(value), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                state = value;
                return true;
            }
        }
        state = default;
        return false;
    }
}
