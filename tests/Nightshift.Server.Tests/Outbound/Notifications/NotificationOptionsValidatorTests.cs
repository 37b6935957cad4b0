using Nightshift.Server.Outbound.Notifications;

namespace Nightshift.Server.Tests.Outbound.Notifications;

public sealed class NotificationOptionsValidatorTests
{
    private const string FakePassword = "fake-smtp-password-0000";
    private const string FakeSlackUrl = "https://hooks.chat.example/services/TFAKE/BFAKE/fakeTokenNotReal0123456789";

    [Fact]
    public void Validate_Defaults_Pass() => Validate(new NotificationOptions()).ShouldBeEmpty();

    [Fact]
    public void Validate_FullSetUp_Passes() => Validate(Configured()).ShouldBeEmpty();

    [Fact]
    public void Validate_RecipientsWithoutFrom_FailsNamingFrom()
    {
        var options = Configured();
        options.Email.From = null;

        Validate(options).ShouldContain(m => m.StartsWith("Notifications:Email:From is not set", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RecipientsWithoutHost_FailsNamingHost()
    {
        var options = Configured();
        options.Email.Host = null;

        Validate(options).ShouldContain(m => m.StartsWith("Notifications:Email:Host is not set", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PlaintextToARemoteHost_FailsPointingAtAllowPlaintext()
    {
        var options = Configured();
        options.Email.Security = "none";

        var failure = Validate(options).ShouldHaveSingleItem();
        failure.ShouldStartWith("Notifications:Email:Security");
        failure.ShouldContain("Notifications:Email:AllowPlaintext");
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("localhost", false)]
    [InlineData("[::1]", false)]
    [InlineData("smtp.example.com", true)]
    public void Validate_PlaintextToLoopbackOrWithAllowPlaintext_Passes(string host, bool allowPlaintext)
    {
        var options = Configured();
        options.Email.Host = host;
        options.Email.Security = "None";
        options.Email.AllowPlaintext = allowPlaintext;

        Validate(options).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("ssl")]
    [InlineData("")]
    [InlineData("tls1.2")]
    public void Validate_UnknownSecurity_Fails(string security)
    {
        var options = Configured();
        options.Email.Security = security;

        Validate(options).ShouldContain(m => m.StartsWith("Notifications:Email:Security", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("dev@example.com, lead@example.com")]
    [InlineData("Dev <dev@example.com>")]
    [InlineData("dev@example.com\r\nBcc: attacker@evil.example")]
    [InlineData("@example.com")]
    [InlineData("dev@")]
    [InlineData(" ")]
    [InlineData("undisclosed-recipients:;")]
    [InlineData("\"dev\"@example.com")]
    public void Validate_MalformedRecipient_FailsNamingTheList(string address)
    {
        var options = Configured();
        options.Email.Recipients["team"].Addresses.Add(address);

        var failure = Validate(options).ShouldHaveSingleItem();
        failure.ShouldStartWith("Notifications:Email:Recipients:team:Addresses");
        failure.ShouldNotContain("\n");
    }

    [Fact]
    public void Validate_OversizedRecipient_Fails()
    {
        var options = Configured();
        options.Email.Recipients["team"].Addresses.Add(new string('a', 300) + "@example.com");

        Validate(options).ShouldHaveSingleItem().ShouldStartWith("Notifications:Email:Recipients:team:Addresses");
    }

    [Theory]
    [InlineData("Nightshift <nightshift@example.com>\r\nBcc: attacker@evil.example")]
    [InlineData("nobody")]
    [InlineData("a@example.com, b@example.com")]
    public void Validate_MalformedFrom_Fails(string from)
    {
        var options = Configured();
        options.Email.From = from;

        Validate(options).ShouldContain(m => m.StartsWith("Notifications:Email:From", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("smtp.example.com\nX: 1")]
    [InlineData("smtp example com")]
    [InlineData("smtp.example.com:25")]
    public void Validate_HostileHost_Fails(string host)
    {
        var options = Configured();
        options.Email.Host = host;

        Validate(options).ShouldContain(m => m.StartsWith("Notifications:Email:Host", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PasswordWithALineBreak_FailsWithoutRepeatingIt()
    {
        var options = Configured();
        options.Email.Password = FakePassword + "\r\nQUIT";

        var failures = Validate(options);

        failures.ShouldContain(m => m.StartsWith("Notifications:Email:Password", StringComparison.Ordinal));
        failures.ShouldAllBe(m => !m.Contains(FakePassword));
    }

    [Fact]
    public void Validate_UsernameWithoutPassword_Fails()
    {
        var options = Configured();
        options.Email.Password = null;

        Validate(options).ShouldContain(m => m.StartsWith("Notifications:Email:Password", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("api team")]
    [InlineData("api/team")]
    [InlineData("api_team")]
    [InlineData("a-name-that-is-far-too-long-for-an-endpoint-id")]
    public void Validate_BadListName_Fails(string label)
    {
        var options = Configured();
        var list = new EmailRecipientsOptions { Repository = "*" };
        list.Addresses.Add("dev@example.com");
        options.Email.Recipients[label] = list;

        Validate(options).ShouldContain(m => m.Contains("has a name that is not", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ListWithoutRepositoryOrAddresses_FailsNamingBoth()
    {
        var options = Configured();
        options.Email.Recipients["empty"] = new EmailRecipientsOptions();

        var failures = Validate(options);

        failures.ShouldContain(m => m.StartsWith("Notifications:Email:Recipients:empty:Repository", StringComparison.Ordinal));
        failures.ShouldContain(m => m.StartsWith("Notifications:Email:Recipients:empty:Addresses", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Task Failed")]
    [InlineData("task.*.*")]
    [InlineData("task")]
    [InlineData("task2.failed")]
    [InlineData("")]
    public void Validate_MalformedEvent_Fails(string type)
    {
        var options = Configured();
        options.Email.Events.Add(type);

        Validate(options).ShouldContain(m => m.StartsWith("Notifications:Email:Events", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://hooks.chat.example/services/TFAKE/BFAKE/fakeTokenNotReal0123456789")]
    [InlineData("https://user:fakeTokenNotReal0123456789@hooks.chat.example/x")]
    [InlineData("hooks.chat.example/services/fakeTokenNotReal0123456789")]
    [InlineData("https://hooks.chat.example/services/fakeTokenNotReal0123456789\nX: 1")]
    [InlineData("ftp://hooks.chat.example/fakeTokenNotReal0123456789")]
    public void Validate_BadSlackUrl_FailsWithoutRepeatingIt(string url)
    {
        var options = Configured();
        options.Slack.Url = url;

        var failure = Validate(options).ShouldHaveSingleItem();
        failure.ShouldStartWith("Notifications:Slack:Url");
        failure.ShouldNotContain("fakeTokenNotReal");
    }

    [Fact]
    public void Validate_SlackOverHttpToLoopback_Passes()
    {
        var options = Configured();
        options.Slack.Url = "http://127.0.0.1:9/services/TFAKE/BFAKE/fake";

        Validate(options).ShouldBeEmpty();
    }

    [Fact]
    public void Validate_SlackRepositoriesWithoutUrl_Fails()
    {
        var options = new NotificationOptions();
        options.Slack.Repositories.Add("https://github.com/acme/web");

        Validate(options).ShouldHaveSingleItem().ShouldStartWith("Notifications:Slack:Url");
    }

    [Fact]
    public void Validate_TooManyRecipientLists_Fails()
    {
        var options = Configured();
        for (var i = 0; i < NotificationOptionsValidator.MaxRecipientLists + 1; i++)
        {
            var list = new EmailRecipientsOptions { Repository = "*" };
            list.Addresses.Add("dev@example.com");
            options.Email.Recipients[$"list{i}"] = list;
        }

        Validate(options).ShouldContain(m => m.StartsWith("Notifications:Email:Recipients has", StringComparison.Ordinal));
    }

    internal static NotificationOptions Configured()
    {
        var options = new NotificationOptions();
        options.Email.Host = "smtp.example.com";
        options.Email.Username = "nightshift";
        options.Email.Password = FakePassword;
        options.Email.From = "Nightshift <nightshift@example.com>";
        var team = new EmailRecipientsOptions { Repository = "https://github.com/acme/web" };
        team.Addresses.Add("dev@example.com");
        options.Email.Recipients["team"] = team;
        options.Slack.Url = FakeSlackUrl;
        options.Slack.Repositories.Add("https://github.com/acme/web");
        return options;
    }

    private static IReadOnlyList<string> Validate(NotificationOptions options)
    {
        var result = new NotificationOptionsValidator().Validate(null, options);
        return result.Succeeded ? [] : [.. result.Failures!];
    }
}
