using Xunit.Sdk;

namespace Nightshift.TestKit.Postgres;

/// <summary>A test that needs PostgreSQL; skipped with the reason printed where its server programs are missing.</summary>
[XunitTestCaseDiscoverer("Nightshift.TestKit.Postgres.PostgresFactDiscoverer", "Nightshift.TestKit")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute;
