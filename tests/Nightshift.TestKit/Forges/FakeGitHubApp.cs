using System.Security.Cryptography;

namespace Nightshift.TestKit.Forges;

/// <summary>A GitHub App the fake knows: its id, public key (the JWT's signature is checked with it) and installation.</summary>
public sealed record FakeGitHubApp(long AppId, RSA PublicKey, long InstallationId, string Slug = "nightshift-test");
