namespace Nightshift.Server.Tests.Settings;

/// <summary>One configuration key (<c>Agent:Budget:MaxSteps</c>) and the property it binds to.</summary>
internal sealed record Setting(string Key, Type Owner, string Property)
{
    /// <summary><c>NIGHTSHIFT__Agent__Budget__MaxSteps</c>.</summary>
    public string EnvironmentName => "NIGHTSHIFT__" + Key.Replace(":", "__", StringComparison.Ordinal);

    public string Section => Key.Split(':')[0];
}
