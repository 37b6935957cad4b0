using Nightshift.TestKit.Storage;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Nightshift.TestKit.Postgres;

/// <summary>Discovers <see cref="PostgresFactAttribute"/> and <see cref="StoreFactAttribute"/> tests, skipping those that need a missing PostgreSQL.</summary>
public sealed class PostgresFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        ArgumentNullException.ThrowIfNull(discoveryOptions);
        ArgumentNullException.ThrowIfNull(testMethod);
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var needsPostgres = factAttribute is IReflectionAttributeInfo { Attribute: PostgresFactAttribute }
            || testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any();
        if (needsPostgres && !PostgresCluster.IsAvailable)
        {
            return [new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod, "PostgreSQL tests skipped: " + PostgresCluster.UnavailableReason)];
        }
        return [new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod)];
    }
}
