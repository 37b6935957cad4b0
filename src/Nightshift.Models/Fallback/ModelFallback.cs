using Nightshift.Models.Errors;
using Nightshift.Models.Selection;

namespace Nightshift.Models.Fallback;

/// <summary>The chain gave up on <see cref="From"/> and is about to ask <see cref="To"/> (becomes a <c>model.fallback</c> event).</summary>
public sealed record ModelFallback(ModelSpec From, ModelSpec To, ModelFailureKind Kind, string Reason);
