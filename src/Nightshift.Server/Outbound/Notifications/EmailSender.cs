using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Nightshift.Storage.Outbound;

namespace Nightshift.Server.Outbound.Notifications;

/// <summary>
/// Sends one notification as one mail to all recipients of an email endpoint, over the SMTP server of
/// <c>Notifications:Email</c>. Accepted is delivered; a 4xx reply, a refused connection or a timeout is worth another try;
/// a 5xx reply is refused for good. No error or excerpt ever carries the password.
/// </summary>
internal sealed partial class EmailSender(IOptions<NotificationOptions> options, ILogger<EmailSender> logger) : IOutboundSender
{
    public OutboundChannel Channel => OutboundChannel.Email;

    public async Task<SendResult> SendAsync(OutboundEndpoint endpoint, OutboundDelivery delivery, CancellationToken cancellationToken)
    {
        var settings = options.Value.Email;
        // Another server of the fleet may have the SMTP settings this one lacks: worth another try, not a dead letter.
        if (string.IsNullOrEmpty(settings.Host))
        {
            return Failed(SendStatus.Retryable, null, "this server has no Notifications:Email:Host, so it cannot send mail; set the SMTP server (and Notifications:Email:From) in its settings, or let another server send it", null);
        }
        if (string.IsNullOrEmpty(settings.From) || !MailboxAddress.TryParse(settings.From, out var from))
        {
            return Failed(SendStatus.Retryable, null, "this server has no Notifications:Email:From, so it cannot send mail; set the sender in its settings, or let another server send it", null);
        }
        var to = new List<MailboxAddress>();
        foreach (var recipient in endpoint.Recipients)
        {
            if (!NotificationOptionsValidator.IsMailbox(recipient, allowName: false) || !MailboxAddress.TryParse(recipient, out var mailbox))
            {
                return Refused($"the endpoint {endpoint.Id} has a recipient that is not an email address ('{NotificationText.OneLine(recipient, 80)}'); fix Notifications:Email:Recipients");
            }
            to.Add(mailbox);
        }
        if (to.Count == 0)
        {
            return Refused($"the endpoint {endpoint.Id} has no recipients; give addresses in Notifications:Email:Recipients");
        }
        if (!NotificationPayload.TryRead(delivery.Payload, out var notice, out var payloadError))
        {
            return Refused(payloadError + "; the delivery cannot be written as a mail");
        }

        using var message = EmailComposer.Compose(notice, from, to, delivery.Id);
        var server = $"{settings.Host}:{settings.Port}";
        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, SocketOptions(settings.SecurityMode), cancellationToken);
            if (!string.IsNullOrEmpty(settings.Username))
            {
                await client.AuthenticateAsync(settings.Username, settings.Password ?? "", cancellationToken);
            }
            var reply = await client.SendAsync(message, cancellationToken);
            await QuitAsync(client, cancellationToken);
            LogSent(logger, delivery.Id, delivery.TaskId, endpoint.Id, to.Count);
            return new SendResult(SendStatus.Delivered, 250, null, Excerpt(reply, settings));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (SmtpCommandException ex)
        {
            return Classify(ex, server, settings);
        }
        catch (AuthenticationException ex)
        {
            return Failed(SendStatus.Refused, 535,
                $"the SMTP server {server} did not accept the login; check Notifications:Email:Username/Password", Excerpt(ex.Message, settings));
        }
        catch (SslHandshakeException)
        {
            return Failed(SendStatus.Retryable, null,
                $"the TLS handshake with the SMTP server {server} failed; check Notifications:Email:Security (tls for a port like 465, starttls for 587) and the server's certificate", null);
        }
        catch (NotSupportedException ex)
        {
            // MailKit's words for a missing capability: STARTTLS, or authentication.
            return Failed(SendStatus.Refused, null,
                $"the SMTP server {server} cannot do what the settings ask ({Excerpt(ex.Message, settings)}); check Notifications:Email:Security, Username and Password", null);
        }
        catch (SmtpProtocolException ex)
        {
            return Failed(SendStatus.Retryable, null, $"the SMTP server {server} broke the protocol or closed the connection ({Excerpt(ex.Message, settings)}); it is tried again", null);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or OperationCanceledException)
        {
            var what = ex switch
            {
                SocketException socket => $"could not connect to the SMTP server {server}: {Excerpt(socket.Message, settings)}",
                TimeoutException or OperationCanceledException => $"the SMTP server {server} did not answer within {settings.Timeout.TotalSeconds:0.#} s (Notifications:Email:Timeout)",
                _ => $"the connection to the SMTP server {server} failed: {Excerpt(ex.Message, settings)}",
            };
            return Failed(SendStatus.Retryable, null, what + "; it is tried again", null);
        }
    }

    private SendResult Classify(SmtpCommandException ex, string server, EmailNotificationOptions settings)
    {
        var code = (int)ex.StatusCode;
        var reply = Excerpt(ex.Message, settings);
        var enhanced = EnhancedCode().Match(reply) is { Success: true } match ? match.Value : null;
        var what = ex.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => $"refused the recipient {NotificationText.OneLine(ex.Mailbox?.Address, 254)}",
            SmtpErrorCode.SenderNotAccepted => "refused the sender (Notifications:Email:From)",
            SmtpErrorCode.MessageNotAccepted => "refused the message",
            _ => "answered with an error",
        };
        var said = $"the SMTP server {server} {what}: {code}{(reply.Length > 0 ? " " + reply : "")}";
        if (code is >= 400 and < 500)
        {
            return Failed(SendStatus.Retryable, code, said + "; a temporary failure, it is tried again", reply);
        }
        if (code is >= 500 and < 600)
        {
            if (enhanced?.StartsWith("5.7.", StringComparison.Ordinal) == true || code is 530 or 534 or 535 or 538)
            {
                return Failed(SendStatus.Refused, code, said + "; check Notifications:Email:Username/Password (and that this login may send as Notifications:Email:From)", reply);
            }
            var fix = ex.ErrorCode switch
            {
                SmtpErrorCode.RecipientNotAccepted => "; fix Notifications:Email:Recipients, then redeliver",
                SmtpErrorCode.SenderNotAccepted => "; fix Notifications:Email:From, then redeliver",
                _ => "; a permanent failure, not tried again",
            };
            return Failed(SendStatus.Refused, code, said + fix, reply);
        }
        return Failed(SendStatus.Retryable, code == 0 ? null : code, said + "; it is tried again", reply);
    }

    private static async Task QuitAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The server already took the mail; a failed goodbye changes nothing.
        }
    }

    private static SecureSocketOptions SocketOptions(string security) => security switch
    {
        EmailNotificationOptions.Tls => SecureSocketOptions.SslOnConnect,
        EmailNotificationOptions.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };

    private static SendResult Refused(string error) => new(SendStatus.Refused, null, error, null);

    private SendResult Failed(SendStatus status, int? code, string error, string? excerpt)
    {
        LogFailed(logger, status, error);
        return new SendResult(status, code, NotificationText.Clip(error, OutboundDelivery.MaxErrorLength), excerpt is { Length: > 0 } ? excerpt : null);
    }

    /// <summary>The server's words, one line, clipped, with the password and its encoded forms cut out (a hostile server may echo them).</summary>
    internal static string Excerpt(string? text, EmailNotificationOptions settings)
    {
        var line = NotificationText.OneLine(text, OutboundAttempt.MaxExcerptLength * 2);
        if (!string.IsNullOrEmpty(settings.Password))
        {
            foreach (var secret in SecretForms(settings.Username ?? "", settings.Password))
            {
                line = line.Replace(secret, "[password]", StringComparison.Ordinal);
            }
        }
        return NotificationText.Clip(line, OutboundAttempt.MaxExcerptLength);
    }

    private static IEnumerable<string> SecretForms(string username, string password)
    {
        yield return Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{username}\0{password}"));
        yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(password));
        yield return password;
    }

    [GeneratedRegex(@"\b[245]\.\d{1,3}\.\d{1,3}\b")]
    private static partial Regex EnhancedCode();

    [LoggerMessage(EventId = 3440, Level = LogLevel.Debug, Message = "Mailed delivery {DeliveryId} of task {TaskId} (endpoint {EndpointId}) to {Recipients} recipients")]
    private static partial void LogSent(ILogger logger, string deliveryId, string taskId, string endpointId, int recipients);

    [LoggerMessage(EventId = 3441, Level = LogLevel.Debug, Message = "A mail was not sent ({Status}): {Reason}")]
    private static partial void LogFailed(ILogger logger, SendStatus status, string reason);
}
