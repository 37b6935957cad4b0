using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Secrets;

/// <summary>
/// The Data Protection key ring in the store's <c>protection_keys</c> table (<c>DataProtection:KeyStore=database</c>),
/// so every server of a fleet on one PostgreSQL database decrypts what any of them encrypted. Data Protection calls this
/// synchronously and rarely (at start and when a key is made or its ring refreshed), hence the blocking waits.
/// </summary>
internal sealed class StoreXmlRepository(ISecretStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. store.ListProtectionKeysAsync().GetAwaiter().GetResult().Select(xml => XElement.Parse(xml))];

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var name = string.IsNullOrWhiteSpace(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName;
        store.AddProtectionKeyAsync(name, element.ToString(SaveOptions.DisableFormatting)).GetAwaiter().GetResult();
    }
}
