using Microsoft.Extensions.DependencyInjection;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Server.Teams;
using Nightshift.Server.Tests.Support;
using Nightshift.Storage.Teams;

namespace Nightshift.Server.Tests.Teams;

/// <summary>Who may make, see and revoke which tokens, and who may change which users, on a real SQLite store.</summary>
public sealed class TeamServicesTests : IAsyncLifetime
{
    private RunningServer server = null!;

    private TokenService Tokens => server.App.Services.GetRequiredService<TokenService>();

    private UserService Users => server.App.Services.GetRequiredService<UserService>();

    private TeamChanges Changes => server.App.Services.GetRequiredService<TeamChanges>();

    public async Task InitializeAsync()
    {
        server = await RunningServer.StartAsync();
        await server.Store.CreateOrgAsync(new NewOrganisation("acme", "Acme"));
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private async Task<Caller> UserAsync(string org, TeamRole role, IReadOnlySet<string>? scopes = null, string name = "someone")
    {
        var user = await server.Store.CreateUserAsync(new NewTeamUser(org, name, role));
        return new Caller(org, user.Id, user.Name, role, scopes ?? Scopes.ForRole(role), "tok_" + user.Id, "token");
    }

    private static TokenRequest Request(IReadOnlyList<string>? scopes = null, string? userId = null) => new("test token", scopes, null, userId);

    [Fact]
    public async Task Create_OwnToken_StoresOnlyTheHashAndAHint()
    {
        var member = await UserAsync("acme", TeamRole.Member);

        var (record, token) = await Tokens.CreateAsync(member, Request([Scopes.TasksRead]));

        token.ShouldStartWith("ns_");
        token.Length.ShouldBeGreaterThan(40);
        record.Hint.ShouldBe(token[..7]);
        record.UserId.ShouldBe(member.UserId);
        record.OrgId.ShouldBe("acme");
        record.Scopes.ShouldBe([Scopes.TasksRead]);
        (await server.Store.FindTokenByHashAsync(TokenService.Hash(token)))!.Id.ShouldBe(record.Id);
        record.ToString().ShouldNotContain(token[7..]);
    }

    [Fact]
    public async Task Create_NoScopesGiven_TakesEveryScopeTheCallerMayGive()
    {
        var member = await UserAsync("acme", TeamRole.Member);

        var (record, _) = await Tokens.CreateAsync(member, Request());

        record.Scopes.ShouldBe([Scopes.TasksRead, Scopes.TasksWrite, Scopes.TasksApprove, Scopes.UsageRead], ignoreOrder: true);
    }

    [Theory]
    [InlineData(TeamRole.Member, Scopes.Admin)]
    [InlineData(TeamRole.Member, Scopes.AuditRead)]
    [InlineData(TeamRole.Viewer, Scopes.TasksWrite)]
    [InlineData(TeamRole.Viewer, Scopes.TasksApprove)]
    public async Task Create_ScopeOutsideTheRole_IsRefusedNamingTheScope(TeamRole role, string scope)
    {
        var caller = await UserAsync("acme", role);

        var refused = await Should.ThrowAsync<ValidationException>(() => Tokens.CreateAsync(caller, Request([Scopes.TasksRead, scope])));

        refused.Errors["scopes"].ShouldHaveSingleItem().ShouldContain($"'{scope}'");
        refused.Errors["scopes"][0].ShouldContain(role.Name());
        (await server.Store.ListTokensAsync("acme", caller.UserId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Create_TokenWithFewerScopes_CannotMakeAStrongerOne()
    {
        var readOnly = await UserAsync("acme", TeamRole.Admin, new HashSet<string>([Scopes.TasksRead]));

        var refused = await Should.ThrowAsync<ValidationException>(() => Tokens.CreateAsync(readOnly, Request([Scopes.Admin])));
        var (defaulted, _) = await Tokens.CreateAsync(readOnly, Request());

        refused.Errors["scopes"][0].ShouldContain("'admin'");
        defaulted.Scopes.ShouldBe([Scopes.TasksRead]);
    }

    [Fact]
    public async Task Create_ForAnotherUser_NeedsAdmin_StaysInTheOrganisation_AndTheirRole()
    {
        var admin = await UserAsync("acme", TeamRole.Admin);
        var member = await UserAsync("acme", TeamRole.Member);
        var viewer = await UserAsync("acme", TeamRole.Viewer);
        var outsider = await UserAsync(OrgIds.Default, TeamRole.Member);

        var (forViewer, _) = await Tokens.CreateAsync(admin, Request([Scopes.TasksRead], viewer.UserId));
        var notAdmin = await Should.ThrowAsync<TeamRequestException>(() => Tokens.CreateAsync(member, Request([Scopes.TasksRead], viewer.UserId)));
        var otherOrg = await Should.ThrowAsync<TeamRequestException>(() => Tokens.CreateAsync(admin, Request([Scopes.TasksRead], outsider.UserId)));
        var beyondRole = await Should.ThrowAsync<ValidationException>(() => Tokens.CreateAsync(admin, Request([Scopes.TasksWrite], viewer.UserId)));

        forViewer.UserId.ShouldBe(viewer.UserId);
        notAdmin.Status.ShouldBe(403);
        notAdmin.Message.ShouldContain("'admin'");
        otherOrg.Status.ShouldBe(404);
        beyondRole.Errors["scopes"][0].ShouldContain("'tasks:write'");
    }

    [Fact]
    public async Task Create_ForADisabledUser_IsAConflict()
    {
        var admin = await UserAsync("acme", TeamRole.Admin);
        var gone = await UserAsync("acme", TeamRole.Member);
        await server.Store.UpdateUserAsync("acme", gone.UserId, null, disabled: true);

        (await Should.ThrowAsync<TeamRequestException>(() => Tokens.CreateAsync(admin, Request(null, gone.UserId)))).Status.ShouldBe(409);
    }

    [Fact]
    public async Task ListFindRevoke_OthersTokens_AreInvisibleWithoutAdmin_AndAnotherOrganisationsAlways()
    {
        var admin = await UserAsync("acme", TeamRole.Admin);
        var alice = await UserAsync("acme", TeamRole.Member, name: "alice");
        var bob = await UserAsync("acme", TeamRole.Member, name: "bob");
        var stranger = await UserAsync(OrgIds.Default, TeamRole.Admin, name: "stranger");
        var (alices, _) = await Tokens.CreateAsync(alice, Request([Scopes.TasksRead]));
        await Tokens.CreateAsync(bob, Request([Scopes.TasksRead]));

        (await Tokens.ListAsync(alice, all: false)).ShouldHaveSingleItem().Id.ShouldBe(alices.Id);
        (await Tokens.ListAsync(admin, all: true)).Count.ShouldBe(2);
        (await Should.ThrowAsync<TeamRequestException>(() => Tokens.ListAsync(bob, all: true))).Status.ShouldBe(403);
        (await Tokens.FindAsync(bob, alices.Id)).ShouldBeNull();
        (await Tokens.RevokeAsync(bob, alices.Id)).ShouldBeNull();
        (await Tokens.FindAsync(stranger, alices.Id)).ShouldBeNull();
        (await Tokens.RevokeAsync(stranger, alices.Id)).ShouldBeNull();
        (await Tokens.FindAsync(admin, alices.Id)).ShouldNotBeNull();
        (await server.Store.ListTokensAsync("acme", alice.UserId)).Single().RevokedAt.ShouldBeNull();
    }

    [Fact]
    public async Task Revoke_OwnToken_RevokesAtOnce_TellsTheCache_AndIsIdempotent()
    {
        var alice = await UserAsync("acme", TeamRole.Member);
        var (token, _) = await Tokens.CreateAsync(alice, Request([Scopes.TasksRead]));
        var told = new List<string>();
        Changes.TokenRevoked += told.Add;
        try
        {
            var first = await Tokens.RevokeAsync(alice, token.Id);
            var again = await Tokens.RevokeAsync(alice, token.Id);

            first!.RevokedAt.ShouldNotBeNull();
            first.IsUsableAt(DateTimeOffset.UtcNow).ShouldBeFalse();
            again!.RevokedAt.ShouldBe(first.RevokedAt);
            told.ShouldContain(token.Id);
        }
        finally
        {
            Changes.TokenRevoked -= told.Add;
        }
    }

    [Fact]
    public async Task Update_LastActiveAdmin_CannotBeDemotedOrDisabled_UntilAnotherIsAdmin()
    {
        var admin = await UserAsync("acme", TeamRole.Admin);
        var member = await UserAsync("acme", TeamRole.Member);
        var disabledAdmin = await UserAsync("acme", TeamRole.Admin);
        await server.Store.UpdateUserAsync("acme", disabledAdmin.UserId, null, disabled: true);

        var demote = await Should.ThrowAsync<TeamRequestException>(() => Users.UpdateAsync(admin, admin.UserId, new UserPatch(TeamRole.Member, null)));
        var disable = await Should.ThrowAsync<TeamRequestException>(() => Users.UpdateAsync(admin, admin.UserId, new UserPatch(null, true)));
        (await server.Store.FindUserAsync("acme", admin.UserId))!.Role.ShouldBe(TeamRole.Admin);

        await Users.UpdateAsync(admin, member.UserId, new UserPatch(TeamRole.Admin, null));
        var demoted = await Users.UpdateAsync(admin, admin.UserId, new UserPatch(TeamRole.Viewer, null));

        demote.Status.ShouldBe(409);
        demote.Message.ShouldContain("last active admin");
        disable.Status.ShouldBe(409);
        demoted!.Role.ShouldBe(TeamRole.Viewer);
    }

    [Fact]
    public async Task Update_AnotherOrganisationsUser_IsNull_AndChangesTellTheCache()
    {
        var admin = await UserAsync("acme", TeamRole.Admin);
        var member = await UserAsync("acme", TeamRole.Member);
        var outsider = await UserAsync(OrgIds.Default, TeamRole.Member);
        var told = new List<string>();
        void Record(string org, string user) => told.Add(org + "/" + user);
        Changes.UserChanged += Record;
        try
        {
            (await Users.UpdateAsync(admin, outsider.UserId, new UserPatch(TeamRole.Viewer, null))).ShouldBeNull();
            (await Users.FindAsync(admin, outsider.UserId)).ShouldBeNull();
            (await Users.UpdateAsync(admin, member.UserId, new UserPatch(null, true)))!.DisabledAt.ShouldNotBeNull();

            told.ShouldBe([$"acme/{member.UserId}"]);
            (await server.Store.FindUserAsync(OrgIds.Default, outsider.UserId))!.Role.ShouldBe(TeamRole.Member);
        }
        finally
        {
            Changes.UserChanged -= Record;
        }
    }
}
