using Nightshift.Core.Errors;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [StoreFact]
    public async Task PutSecret_NewThenReplaced_KeepsCreatedAtAndTheLatestValue()
    {
        await OrgAsync("acme");
        var created = await Store.PutSecretAsync("acme", "model.openai.api-key", "CfDJ8-ciphertext-one");
        Clock.Advance(TimeSpan.FromMinutes(3));

        var replaced = await Store.PutSecretAsync("acme", "model.openai.api-key", "CfDJ8-ciphertext-two");

        created.ShouldBe(new Teams.SecretInfo("acme", "model.openai.api-key", Clock.GetUtcNow().AddMinutes(-3), Clock.GetUtcNow().AddMinutes(-3)));
        replaced.CreatedAt.ShouldBe(created.CreatedAt);
        replaced.UpdatedAt.ShouldBe(Clock.GetUtcNow());
        (await Store.GetSecretCiphertextAsync("acme", "model.openai.api-key")).ShouldBe("CfDJ8-ciphertext-two");
        (await Store.ListSecretsAsync("acme")).ShouldBe([replaced]);
    }

    [StoreFact]
    public async Task Secrets_OfAnotherOrganisation_AreAbsent()
    {
        await OrgAsync("acme");
        await OrgAsync("other");
        await Store.PutSecretAsync("acme", "forge.github.token", "CfDJ8-acme");
        await Store.PutSecretAsync("acme", "a.first", "CfDJ8-a");

        (await Store.GetSecretCiphertextAsync("other", "forge.github.token")).ShouldBeNull();
        (await Store.ListSecretsAsync("other")).ShouldBeEmpty();
        (await Store.DeleteSecretAsync("other", "forge.github.token")).ShouldBeFalse();
        (await Store.ListSecretsAsync("acme")).Select(s => s.Name).ShouldBe(["a.first", "forge.github.token"], "listed by name");
        (await Store.DeleteSecretAsync("acme", "forge.github.token")).ShouldBeTrue();
        (await Store.DeleteSecretAsync("acme", "forge.github.token")).ShouldBeFalse();
        (await Store.GetSecretCiphertextAsync("acme", "forge.github.token")).ShouldBeNull();
    }

    [StoreFact]
    public async Task PutSecret_BadInput_IsRefusedNamingTheFieldAndStoresNothing()
    {
        await OrgAsync("acme");

        async Task Refused(string org, string name, string value, string field) =>
            (await Should.ThrowAsync<ValidationException>(() => Store.PutSecretAsync(org, name, value))).Errors.Keys.ShouldBe([field]);

        await Refused("acme", "Model.Key", "x", "name");
        await Refused("acme", ".hidden", "x", "name");
        await Refused("acme", "", "x", "name");
        await Refused("acme", new string('k', 65), "x", "name");
        await Refused("acme", "key\n", "x", "name");
        await Refused("acme", "key'; DELETE FROM org_secrets; --", "x", "name");
        await Refused("acme", "ok", "", "value");
        await Refused("acme", "ok", new string('c', Teams.SecretInfo.MaxCiphertextLength + 1), "value");
        await Refused("nobody", "ok", "x", "orgId");
        await Refused("Not An Org", "ok", "x", "orgId");

        (await Store.ListSecretsAsync("acme")).ShouldBeEmpty();
        (await Store.GetSecretCiphertextAsync("acme", "key\n")).ShouldBeNull();
        (await Store.DeleteSecretAsync("acme", "' OR 1=1 --")).ShouldBeFalse();
    }

    [StoreFact]
    public async Task ProtectionKeys_Added_AreListedOldestFirstAndANameIsKeptOnce()
    {
        (await Store.ListProtectionKeysAsync()).ShouldBeEmpty();

        await Store.AddProtectionKeyAsync("key-b", "<key id=\"b\"/>");
        await Store.AddProtectionKeyAsync("key-a", "<key id=\"a\"/>");
        await Store.AddProtectionKeyAsync("key-b", "<key id=\"b-replaced\"/>");

        (await Store.ListProtectionKeysAsync()).ShouldBe(["<key id=\"b\"/>", "<key id=\"a\"/>"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.AddProtectionKeyAsync("", "<key/>"))).Errors.Keys.ShouldBe(["name"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.AddProtectionKeyAsync("k", ""))).Errors.Keys.ShouldBe(["xml"]);
        (await Should.ThrowAsync<ValidationException>(() => Store.AddProtectionKeyAsync("k", new string('x', 64 * 1024 + 1)))).Errors.Keys.ShouldBe(["xml"]);
    }
}
