namespace Nightshift.Core.Events.Catalogue;

/// <summary>One event type of the catalogue: its name, the record its payload serializes from, and a one-line description.</summary>
/// <param name="Type">the event type, one of <see cref="EventTypes"/>.</param>
/// <param name="PayloadName">the payload record's name in <c>Nightshift.Core.Events.Payloads</c>.</param>
/// <param name="Payload">the payload record.</param>
/// <param name="Description">what the event says happened, in one line.</param>
public sealed record EventCatalogueEntry(string Type, string PayloadName, Type Payload, string Description);
