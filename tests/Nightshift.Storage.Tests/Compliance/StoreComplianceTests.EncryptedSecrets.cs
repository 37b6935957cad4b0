using Nightshift.Core.Errors;
using Nightshift.Storage.Outbound;
using Nightshift.TestKit.Storage;

namespace Nightshift.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    /// <summary>The shape of what the server's Data Protection makes of a signing secret: "dp1:" and base64url text.</summary>
    private const string FakeCiphertext = "dp1:CfDJ8ZmFrZS1jaXBoZXJ0ZXh0LWZvci10ZXN0cy1vbmx5LTAwMDE_-";

    [StoreFact]
    public async Task CreateEndpoint_EncryptedSecret_IsKeptAsGiven()
    {
        var endpoint = await Store.CreateEndpointAsync(Webhook(secret: FakeCiphertext));

        (await Store.GetEndpointAsync(endpoint.Id))!.Secrets.Single().Value.ShouldBe(FakeCiphertext);
        (await Store.AddSecretAsync(endpoint.Id, FakeCiphertext + "2", null))!.Secrets.Count.ShouldBe(2);
    }

    [StoreFact]
    public async Task CreateEndpoint_MalformedEncryptedSecret_IsRefusedNamingTheSecret()
    {
        foreach (var secret in new[] { "dp1:", "dp1:not base64url!", "dp1:abc\u0000def", "dp1:abc=" })
        {
            var refused = await Should.ThrowAsync<ValidationException>(() => Store.CreateEndpointAsync(Webhook(secret: secret)));

            refused.Errors.Keys.ShouldContain("secret");
        }
        (await Store.ListEndpointsAsync()).ShouldBeEmpty();
    }

    [StoreFact]
    public async Task CreateEndpoint_OverlongEncryptedSecret_IsRefused()
    {
        var secret = "dp1:" + new string('A', OutboundSecret.MaxValueLength);

        await Should.ThrowAsync<ValidationException>(() => Store.CreateEndpointAsync(Webhook(secret: secret)));
    }
}
