using Xunit.Sdk;

namespace Nightshift.TestKit.Storage;

/// <summary>
/// A test of the store compliance suite: it runs for every dialect class that inherits it, and is skipped (with the
/// reason printed) in classes marked <see cref="Postgres.RequiresPostgresAttribute"/> where PostgreSQL is missing.
/// </summary>
[XunitTestCaseDiscoverer("Nightshift.TestKit.Postgres.PostgresFactDiscoverer", "Nightshift.TestKit")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;
