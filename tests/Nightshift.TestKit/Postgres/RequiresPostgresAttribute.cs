namespace Nightshift.TestKit.Postgres;

/// <summary>
/// Marks a test class whose <see cref="Storage.StoreFactAttribute"/> tests need PostgreSQL: they are skipped, with
/// the reason printed, where the server programs are missing.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class RequiresPostgresAttribute : Attribute;
