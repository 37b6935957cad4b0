namespace Nightshift.Core.Errors;

/// <summary>The store cannot be opened as configured (bad NIGHTSHIFT_DB, schema newer than the code, …).</summary>
public sealed class StoreConfigurationException(string message, Exception? inner = null) : NightshiftException(message, inner);
