using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [StoreFact]
    public async Task Migrate_EmptyDatabase_AppliesEveryVersionOnce()
    {
        var version = Convert.ToInt64(await RawScalarAsync("SELECT MAX(version) FROM schema_migrations"), CultureInfo.InvariantCulture);
        var rows = Convert.ToInt64(await RawScalarAsync("SELECT COUNT(*) FROM schema_migrations"), CultureInfo.InvariantCulture);

        version.ShouldBeGreaterThanOrEqualTo(1);
        rows.ShouldBe(version);
    }

    [StoreFact]
    public async Task Migrate_RunAgain_ChangesNothingAndKeepsData()
    {
        var task = await SubmitAsync();

        await Store.MigrateAsync();
        var reopened = await OpenAsync();

        (await reopened.FindAsync(task.Id)).ShouldBe(task);
        var rows = Convert.ToInt64(await RawScalarAsync("SELECT COUNT(*) FROM schema_migrations"), CultureInfo.InvariantCulture);
        var version = Convert.ToInt64(await RawScalarAsync("SELECT MAX(version) FROM schema_migrations"), CultureInfo.InvariantCulture);
        rows.ShouldBe(version);
    }

    [StoreFact]
    public async Task Open_SchemaNewerThanTheCode_IsRefusedWithAnUpgradeMessage()
    {
        var task = await SubmitAsync();
        await RawScalarAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '0999_from_the_future', 0)");

        var error = await Should.ThrowAsync<StoreConfigurationException>(() => OpenAsync());

        error.Message.ShouldContain("999");
        error.Message.ShouldContain("upgrade Nightshift", Case.Insensitive);
        (await Store.FindAsync(task.Id)).ShouldBe(task);
    }

    [StoreFact]
    public async Task Ping_ReachableDatabase_Succeeds() => await Store.PingAsync();
}
