using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Nightshift.Core.Errors;
using Nightshift.Server.Auth;
using Nightshift.Server.Outbound.Api;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Pages;

/// <summary>
/// Outbound endpoints: each with its filters and state, a form to add one (its secret shown once), and per endpoint its
/// recent deliveries; a dead letter lists every attempt and can be redelivered.
/// </summary>
[Auth.PageScope(Core.Teams.Scopes.WebhooksManage)]
internal sealed class WebhooksModel(OutboundEndpointService endpoints) : PageModel
{
    /// <summary>The most recent deliveries shown for the chosen endpoint.</summary>
    public const int DeliveriesShown = 50;

    private static readonly char[] ListSeparators = [',', ' ', '\n', '\r', '\t', ';'];

    /// <summary>The endpoint whose deliveries are shown (<c>?endpoint=…</c>).</summary>
    [BindProperty(SupportsGet = true, Name = "endpoint")]
    public string? EndpointId { get; set; }

    /// <summary>The delivery whose attempts are shown (<c>?delivery=…</c>).</summary>
    [BindProperty(SupportsGet = true, Name = "delivery")]
    public string? DeliveryId { get; set; }

    public IReadOnlyList<OutboundEndpoint> Endpoints { get; private set; } = [];

    public OutboundEndpoint? Selected { get; private set; }

    public IReadOnlyList<OutboundDelivery> Deliveries { get; private set; } = [];

    /// <summary>Every attempt of each dead delivery shown, and of the chosen one.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<OutboundAttempt>> Attempts { get; private set; } = new Dictionary<string, IReadOnlyList<OutboundAttempt>>();

    /// <summary>A secret just made: its endpoint and value, shown in this answer only.</summary>
    public (string EndpointId, string Value)? NewSecret { get; private set; }

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? ActionError { get; private set; }

    public string? Notice { get; private set; }

    public DateTimeOffset Now => endpoints.Now;

    /// <summary>The signed-in caller's organisation: the page shows and changes its endpoints only.</summary>
    private string OrgId => HttpContext.Caller().OrgId;

    /// <summary>Every view and action of the page needs <c>webhooks:manage</c>, as the API's routes do.</summary>
    public override void OnPageHandlerExecuting(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!HttpContext.Caller().Has(Core.Teams.Scopes.WebhooksManage))
        {
            context.Result = new StatusCodeResult(StatusCodes.Status403Forbidden);
        }
    }

    // The add form's values, kept when it is refused.
    public string Channel { get; private set; } = "webhook";

    public string? UrlValue { get; private set; }

    public string? Recipients { get; private set; }

    public string? Events { get; private set; }

    public string? Repositories { get; private set; }

    public string? Description { get; private set; }

    public IReadOnlyList<string> ErrorsFor(string field) => Errors.TryGetValue(field, out var messages) ? messages : [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (EndpointId is not null && Selected is null)
        {
            ActionError = "There is no endpoint with that id on this server; it may have been removed.";
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAddAsync(
        [FromForm] string? channel,
        [FromForm] string? url,
        [FromForm] string? recipients,
        [FromForm] string? events,
        [FromForm] string? repositories,
        [FromForm] string? description,
        CancellationToken cancellationToken)
    {
        (Channel, UrlValue, Recipients, Events, Repositories, Description) = (channel ?? "webhook", url, recipients, events, repositories, description);
        try
        {
            if (!OutboundWire.TryParseChannel(channel ?? "webhook", out var parsed))
            {
                throw new ValidationException("channel", $"choose one of: {OutboundWire.ChannelNames}");
            }
            var request = new EndpointRequest(
                parsed,
                parsed == OutboundChannel.Email ? null : url,
                parsed == OutboundChannel.Email ? Split(recipients) : [],
                Split(events),
                Split(repositories),
                description,
                OutboundEndpoint.DefaultMaxInFlight,
                0);
            var (endpoint, secret) = await endpoints.CreateAsync(OrgId, request, cancellationToken);
            EndpointId = endpoint.Id;
            DeliveryId = null;
            if (secret is not null)
            {
                NewSecret = (endpoint.Id, secret.Value);
            }
            Notice = $"Endpoint {endpoint.Id} added.";
            (UrlValue, Recipients, Events, Repositories, Description) = (null, null, null, null, null);
            Channel = "webhook";
        }
        catch (ValidationException invalid)
        {
            Errors = invalid.Errors;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostRedeliverAsync(CancellationToken cancellationToken) =>
        ActAsync(async () =>
        {
            if (EndpointId is null || DeliveryId is null || await endpoints.RedeliverAsync(OrgId, EndpointId, DeliveryId, cancellationToken) is null)
            {
                return false;
            }
            return true;
        }, cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken) => SetActiveAsync(true, cancellationToken);

    public Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken) => SetActiveAsync(false, cancellationToken);

    public Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken) =>
        ActAsync(async () =>
        {
            var removed = EndpointId is not null && await endpoints.DeleteAsync(OrgId, EndpointId, cancellationToken);
            EndpointId = null;
            DeliveryId = null;
            return removed;
        }, cancellationToken);

    /// <summary>Where the page shows the endpoint (and delivery) given.</summary>
    public static string Link(string? endpointId, string? deliveryId = null)
    {
        var link = "/webhooks";
        if (endpointId is not null)
        {
            link += "?endpoint=" + Uri.EscapeDataString(endpointId);
            if (deliveryId is not null)
            {
                link += "&delivery=" + Uri.EscapeDataString(deliveryId);
            }
        }
        return link;
    }

    public static string State(OutboundDeliveryState state) => OutboundWire.State(state);

    public static string ChannelName(OutboundChannel channel) => OutboundWire.Channel(channel);

    private Task<IActionResult> SetActiveAsync(bool active, CancellationToken cancellationToken) =>
        ActAsync(async () => EndpointId is not null
            && await endpoints.UpdateAsync(OrgId, EndpointId, new OutboundEndpointPatch(Active: active), cancellationToken) is not null,
            cancellationToken);

    private async Task<IActionResult> ActAsync(Func<Task<bool>> action, CancellationToken cancellationToken)
    {
        try
        {
            if (await action())
            {
                return Redirect(Link(EndpointId, DeliveryId));
            }
            ActionError = "There is no such endpoint or delivery on this server; it may have been removed.";
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        catch (EndpointConflictException conflict)
        {
            ActionError = conflict.Message;
            Response.StatusCode = StatusCodes.Status409Conflict;
        }
        catch (ValidationException invalid)
        {
            ActionError = invalid.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Endpoints = await endpoints.ListAsync(OrgId, cancellationToken);
        Selected = EndpointId is null ? null : Endpoints.FirstOrDefault(e => e.Id == EndpointId);
        if (Selected is null)
        {
            return;
        }
        var page = await endpoints.ListDeliveriesAsync(OrgId, Selected.Id, null, null, DeliveriesShown, cancellationToken);
        Deliveries = page?.Deliveries ?? [];
        var attempts = new Dictionary<string, IReadOnlyList<OutboundAttempt>>(StringComparer.Ordinal);
        foreach (var delivery in Deliveries.Where(d => d.State == OutboundDeliveryState.Dead || d.Id == DeliveryId))
        {
            if (await endpoints.GetDeliveryAsync(OrgId, Selected.Id, delivery.Id, cancellationToken) is { } found)
            {
                attempts[delivery.Id] = found.Attempts;
            }
        }
        Attempts = attempts;
    }

    private static List<string> Split(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : [.. text.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];
}
