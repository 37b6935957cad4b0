namespace Nightshift.Server.Orgs;

/// <summary>One quota in a change: left as it is (<see cref="Given"/> false), removed (<see cref="Value"/> null) or set.</summary>
internal readonly record struct QuotaChange<T>(bool Given, T? Value)
    where T : struct
{
    public static QuotaChange<T> Keep => default;

    public T? Apply(T? current) => Given ? Value : current;
}
