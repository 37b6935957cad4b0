using Nightshift.TestKit.Postgres;

namespace Nightshift.Storage.Tests.Postgres;

/// <summary>One throwaway PostgreSQL cluster for every PostgreSQL test in this assembly.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "postgres";
}
