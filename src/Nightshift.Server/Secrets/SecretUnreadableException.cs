using Nightshift.Core.Errors;

namespace Nightshift.Server.Secrets;

/// <summary>A stored ciphertext that this server cannot decrypt: its key ring lacks the key, or the value was tampered with.</summary>
public sealed class SecretUnreadableException(string message, Exception? inner = null) : NightshiftException(message, inner);
