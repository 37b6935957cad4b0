using Nightshift.Core.Errors;

namespace Nightshift.Models.Errors;

/// <summary>A model string or a provider's settings cannot be used; the message names what to set.</summary>
public sealed class ModelConfigurationException(string message) : NightshiftException(message);
