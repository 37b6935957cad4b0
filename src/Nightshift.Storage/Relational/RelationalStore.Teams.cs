using System.Data.Common;
using System.Globalization;
using Nightshift.Core.Errors;
using Nightshift.Core.Teams;
using Nightshift.Storage.Teams;

namespace Nightshift.Storage.Relational;

// Organisations, users and API tokens (ITeamStore); secrets and keys are in RelationalStore.Secrets.cs, the audit log in RelationalStore.Audit.cs.
internal abstract partial class RelationalStore
{
    private const string OrgColumns =
        "id, name, max_running, max_running_per_repo, max_cost_per_task_usd, max_cost_per_day_usd, max_cost_per_month_usd, allowed_repos, created_at, updated_at";

    private const string UserColumns = "id, org_id, name, role, oidc_issuer, oidc_subject, created_at, disabled_at";

    private const string TokenColumns = "id, org_id, user_id, name, hint, scopes, created_at, expires_at, revoked_at, last_used_at";

    /// <summary>A token's last use is written at most this often, so a busy token costs almost no writes.</summary>
    private const long TokenTouchIntervalMs = 60_000;

    public async Task<Organisation> CreateOrgAsync(NewOrganisation org, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(org);
        TeamChecks.OrgId("id", org.Id);
        var name = TeamChecks.Name("name", org.Name, Organisation.MaxNameLength);
        var quotas = org.Quotas ?? OrgQuotas.None;
        TeamChecks.Quotas(quotas);
        var repos = TeamChecks.AllowedRepos(org.AllowedRepos);
        var now = NowMs();
        await using var scope = await BeginSingleStatementWriteAsync(CommitDurability.Required, cancellationToken).ConfigureAwait(false);
        var created = await scope.Session.QuerySingleAsync(
            $"""
            INSERT INTO orgs ({OrgColumns})
            VALUES (@id, @name, @maxRunning, @maxPerRepo, @maxTask, @maxDay, @maxMonth, @repos, @now, @now)
            ON CONFLICT (id) DO NOTHING
            RETURNING {OrgColumns}
            """,
            [("id", org.Id), ("name", name), .. QuotaArgs(quotas), ("repos", TeamChecks.ToJson(repos)), ("now", now)],
            ReadOrg,
            cancellationToken).ConfigureAwait(false)
            ?? throw new ConflictException("id", $"an organisation with the id '{org.Id}' already exists; choose another id");
        await CommitAsync(scope).ConfigureAwait(false);
        return created;
    }

    public async Task<Organisation?> FindOrgAsync(string orgId, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId))
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await FindOrgAsync(new DbSession(connection, null), orgId, "", cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Organisation>> ListOrgsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            $"SELECT {OrgColumns} FROM orgs ORDER BY created_at, id",
            [],
            ReadOrg,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<Organisation?> UpdateOrgAsync(string orgId, OrganisationPatch patch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (!OrgIds.IsValid(orgId))
        {
            return null;
        }
        var name = patch.Name is null ? null : TeamChecks.Name("name", patch.Name, Organisation.MaxNameLength);
        if (patch.Quotas is not null)
        {
            TeamChecks.Quotas(patch.Quotas);
        }
        var repos = patch.AllowedRepos is null ? null : TeamChecks.AllowedRepos(patch.AllowedRepos);
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var current = await FindOrgAsync(scope.Session, orgId, LockRowClause, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }
        var quotas = patch.Quotas ?? current.Quotas;
        var updated = await scope.Session.QuerySingleAsync(
            $"""
            UPDATE orgs SET name = @name, max_running = @maxRunning, max_running_per_repo = @maxPerRepo, max_cost_per_task_usd = @maxTask,
                max_cost_per_day_usd = @maxDay, max_cost_per_month_usd = @maxMonth, allowed_repos = @repos, updated_at = @now
            WHERE id = @id
            RETURNING {OrgColumns}
            """,
            [("id", orgId), ("name", name ?? current.Name), .. QuotaArgs(quotas), ("repos", TeamChecks.ToJson(repos ?? current.AllowedRepos)), ("now", NowMs())],
            ReadOrg,
            cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return updated;
    }

    public async Task<TeamUser> CreateUserAsync(NewTeamUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        TeamChecks.OrgId("orgId", user.OrgId);
        var name = TeamChecks.Name("name", user.Name, TeamUser.MaxNameLength);
        TeamChecks.Role(user.Role);
        var (issuer, subject) = TeamChecks.Oidc(user.OidcIssuer, user.OidcSubject);
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await RequireOrgAsync(scope.Session, user.OrgId, cancellationToken).ConfigureAwait(false);
        // A clash can only be the identity's (an id clash of 96 random bits does not happen): ON CONFLICT keeps the
        // transaction usable on PostgreSQL, where a failed statement would abort it.
        var created = await scope.Session.QuerySingleAsync(
            $"""
            INSERT INTO users ({UserColumns}) VALUES (@id, @org, @name, @role, @issuer, @subject, @now, NULL)
            ON CONFLICT DO NOTHING
            RETURNING {UserColumns}
            """,
            [
                ("id", OutboundChecks.NewId("usr_")), ("org", user.OrgId), ("name", name), ("role", user.Role.Name()),
                ("issuer", issuer), ("subject", subject), ("now", NowMs()),
            ],
            ReadUser,
            cancellationToken).ConfigureAwait(false)
            ?? throw new ConflictException("oidcSubject", "this OpenID Connect identity (issuer and subject) already belongs to a user; change that user instead of adding another");
        await CommitAsync(scope).ConfigureAwait(false);
        return created;
    }

    public async Task<TeamUser?> FindUserAsync(string orgId, string userId, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId) || !TeamChecks.LooksLikeId(userId, "usr_"))
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await FindUserAsync(new DbSession(connection, null), orgId, userId, "", cancellationToken).ConfigureAwait(false);
    }

    public async Task<TeamUser?> FindUserByOidcAsync(string issuer, string subject, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(issuer) || string.IsNullOrEmpty(subject) || issuer.Length > TeamChecks.MaxOidcLength || subject.Length > TeamChecks.MaxOidcLength)
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QuerySingleAsync(
            $"SELECT {UserColumns} FROM users WHERE oidc_issuer = @issuer AND oidc_subject = @subject",
            [("issuer", issuer), ("subject", subject)],
            ReadUser,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TeamUser>> ListUsersAsync(string orgId, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId))
        {
            return [];
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            $"SELECT {UserColumns} FROM users WHERE org_id = @org ORDER BY num",
            [("org", orgId)],
            ReadUser,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<TeamUser?> UpdateUserAsync(string orgId, string userId, TeamRole? role, bool? disabled, CancellationToken cancellationToken = default)
    {
        if (role is { } wanted)
        {
            TeamChecks.Role(wanted);
        }
        if (!OrgIds.IsValid(orgId) || !TeamChecks.LooksLikeId(userId, "usr_"))
        {
            return null;
        }
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var current = await FindUserAsync(scope.Session, orgId, userId, LockRowClause, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }
        var disabledAt = disabled switch
        {
            true => current.DisabledAt ?? Now(),
            false => (DateTimeOffset?)null,
            null => current.DisabledAt,
        };
        var updated = await scope.Session.QuerySingleAsync(
            $"UPDATE users SET role = @role, disabled_at = @disabled WHERE org_id = @org AND id = @id RETURNING {UserColumns}",
            [
                ("org", orgId), ("id", userId), ("role", (role ?? current.Role).Name()),
                ("disabled", disabledAt is { } at ? (long?)TaskColumns.Ms(at) : null),
            ],
            ReadUser,
            cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return updated;
    }

    public async Task<ApiTokenRecord> CreateTokenAsync(NewApiToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        TeamChecks.OrgId("orgId", token.OrgId);
        var name = TeamChecks.Name("name", token.Name, ApiTokenRecord.MaxNameLength);
        TeamChecks.Hint(token.Hint);
        var hash = TeamChecks.Hash(token.Hash);
        var now = NowMs();
        if (token.ExpiresAt is { } expires && TaskColumns.Ms(expires) <= now)
        {
            throw new ValidationException("expiresAt", "is in the past; give a time to come, or none for a token that does not expire");
        }
        await using var scope = await BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var user = TeamChecks.LooksLikeId(token.UserId, "usr_")
            ? await FindUserAsync(scope.Session, token.OrgId, token.UserId, "", cancellationToken).ConfigureAwait(false)
            : null;
        if (user is null)
        {
            throw new ValidationException("userId", $"organisation '{token.OrgId}' has no such user; list its users with GET /api/v1/users");
        }
        if (user.DisabledAt is not null)
        {
            throw new ValidationException("userId", $"user {user.Id} is disabled; enable the user first, or make the token for another user");
        }
        var scopes = TeamChecks.TokenScopes(token.Scopes, user.Role);
        var created = await scope.Session.QuerySingleAsync(
            $"""
            INSERT INTO api_tokens (id, org_id, user_id, name, hint, hash, scopes, created_at, expires_at, revoked_at, last_used_at)
            VALUES (@id, @org, @user, @name, @hint, @hash, @scopes, @now, @expires, NULL, NULL)
            ON CONFLICT DO NOTHING
            RETURNING {TokenColumns}
            """,
            [
                ("id", OutboundChecks.NewId("tok_")), ("org", token.OrgId), ("user", user.Id), ("name", name), ("hint", token.Hint),
                ("hash", hash), ("scopes", TeamChecks.ToJson(scopes)), ("now", now),
                ("expires", token.ExpiresAt is { } at ? (long?)TaskColumns.Ms(at) : null),
            ],
            ReadToken,
            cancellationToken).ConfigureAwait(false)
            ?? throw new ConflictException("token", "a token with this hash is already stored; make a new random token");
        await CommitAsync(scope).ConfigureAwait(false);
        return created;
    }

    public async Task<ApiTokenRecord?> FindTokenByHashAsync(byte[] hash, CancellationToken cancellationToken = default)
    {
        if (hash is not { Length: 32 })
        {
            return null;
        }
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QuerySingleAsync(
            $"SELECT {TokenColumns} FROM api_tokens WHERE hash = @hash",
            [("hash", Convert.ToHexStringLower(hash))],
            ReadToken,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(string orgId, string? userId, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId) || (userId is not null && !TeamChecks.LooksLikeId(userId, "usr_")))
        {
            return [];
        }
        var byUser = userId is null ? "" : " AND user_id = @user";
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await new DbSession(connection, null).QueryAsync(
            $"SELECT {TokenColumns} FROM api_tokens WHERE org_id = @org{byUser} ORDER BY num",
            userId is null ? [("org", orgId)] : [("org", orgId), ("user", userId)],
            ReadToken,
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<ApiTokenRecord?> RevokeTokenAsync(string orgId, string tokenId, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId) || !TeamChecks.LooksLikeId(tokenId, "tok_"))
        {
            return null;
        }
        await using var scope = await BeginSingleStatementWriteAsync(CommitDurability.Required, cancellationToken).ConfigureAwait(false);
        var revoked = await scope.Session.QuerySingleAsync(
            $"UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, @now) WHERE org_id = @org AND id = @id RETURNING {TokenColumns}",
            [("org", orgId), ("id", tokenId), ("now", NowMs())],
            ReadToken,
            cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
        return revoked;
    }

    public async Task TouchTokenAsync(string tokenId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        if (!TeamChecks.LooksLikeId(tokenId, "tok_"))
        {
            return;
        }
        var ms = TaskColumns.Ms(at);
        const string Stale = "id = @id AND (last_used_at IS NULL OR last_used_at <= @stale)";
        IReadOnlyList<(string Name, object? Value)> args = [("id", tokenId), ("stale", ms - TokenTouchIntervalMs)];
        // Every request touches its token: a read answers most of them, so a busy token costs no write (on SQLite, no
        // turn at the one writer).
        await using (var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            var due = Convert.ToInt64(
                await new DbSession(connection, null).ScalarAsync($"SELECT COUNT(*) FROM api_tokens WHERE {Stale}", args, cancellationToken).ConfigureAwait(false),
                CultureInfo.InvariantCulture);
            if (due == 0)
            {
                return;
            }
        }
        // Losing a last-use time in a crash costs nothing worth a flush.
        await using var scope = await BeginSingleStatementWriteAsync(CommitDurability.FencedIfLost, cancellationToken).ConfigureAwait(false);
        await scope.Session.ExecuteAsync($"UPDATE api_tokens SET last_used_at = @at WHERE {Stale}", [.. args, ("at", ms)], cancellationToken).ConfigureAwait(false);
        await CommitAsync(scope).ConfigureAwait(false);
    }

    public async Task<decimal> SumOrgCostAsync(string orgId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        if (!OrgIds.IsValid(orgId))
        {
            return 0m;
        }
        var cost = Dialect == "sqlite" ? "CAST(u.cost_usd AS REAL)" : "u.cost_usd";
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var sum = await new DbSession(connection, null).ScalarAsync(
            $"SELECT SUM({cost}) FROM usage u JOIN tasks t ON t.id = u.task_id WHERE u.time >= @since AND t.org_id = @org",
            [("org", orgId), ("since", TaskColumns.Ms(since))],
            cancellationToken).ConfigureAwait(false);
        return sum is null ? 0m : Math.Round(Convert.ToDecimal(sum, CultureInfo.InvariantCulture), 6);
    }

    /// <summary>Refuses a write for an organisation that does not exist, naming the field the caller gave it in.</summary>
    private async Task RequireOrgAsync(DbSession session, string orgId, CancellationToken cancellationToken)
    {
        if (await FindOrgAsync(session, orgId, "", cancellationToken).ConfigureAwait(false) is null)
        {
            throw new ValidationException("orgId", $"there is no organisation '{orgId}'; create it first (POST /api/v1/orgs)");
        }
    }

    private static Task<Organisation?> FindOrgAsync(DbSession session, string orgId, string lockClause, CancellationToken cancellationToken) =>
        session.QuerySingleAsync($"SELECT {OrgColumns} FROM orgs WHERE id = @id{lockClause}", [("id", orgId)], ReadOrg, cancellationToken);

    private static Task<TeamUser?> FindUserAsync(DbSession session, string orgId, string userId, string lockClause, CancellationToken cancellationToken) =>
        session.QuerySingleAsync(
            $"SELECT {UserColumns} FROM users WHERE org_id = @org AND id = @id{lockClause}",
            [("org", orgId), ("id", userId)],
            ReadUser,
            cancellationToken);

    private static IEnumerable<(string Name, object? Value)> QuotaArgs(OrgQuotas quotas) =>
    [
        ("maxRunning", (long?)quotas.MaxRunning),
        ("maxPerRepo", (long?)quotas.MaxRunningPerRepo),
        ("maxTask", quotas.MaxCostPerTaskUsd), ("maxDay", quotas.MaxCostPerDayUsd), ("maxMonth", quotas.MaxCostPerMonthUsd),
    ];

    private static Organisation ReadOrg(DbDataReader r) => new(
        Id: r.GetString(0),
        Name: r.GetString(1),
        Quotas: new OrgQuotas(
            MaxRunning: r.IsDBNull(2) ? null : (int)r.GetInt64(2),
            MaxRunningPerRepo: r.IsDBNull(3) ? null : (int)r.GetInt64(3),
            MaxCostPerTaskUsd: r.IsDBNull(4) ? null : r.GetDecimal(4),
            MaxCostPerDayUsd: r.IsDBNull(5) ? null : r.GetDecimal(5),
            MaxCostPerMonthUsd: r.IsDBNull(6) ? null : r.GetDecimal(6)),
        AllowedRepos: TeamChecks.FromJson(r.GetString(7)),
        CreatedAt: TaskColumns.Time(r.GetInt64(8)),
        UpdatedAt: TaskColumns.Time(r.GetInt64(9)));

    private static TeamUser ReadUser(DbDataReader r) => new(
        Id: r.GetString(0),
        OrgId: r.GetString(1),
        Name: r.GetString(2),
        // An unknown stored role reads as the least one, never as more.
        Role: TeamRoles.TryParse(r.GetString(3), out var role) ? role : TeamRole.Viewer,
        OidcIssuer: r.IsDBNull(4) ? null : r.GetString(4),
        OidcSubject: r.IsDBNull(5) ? null : r.GetString(5),
        CreatedAt: TaskColumns.Time(r.GetInt64(6)),
        DisabledAt: r.IsDBNull(7) ? null : TaskColumns.Time(r.GetInt64(7)));

    private static ApiTokenRecord ReadToken(DbDataReader r) => new(
        Id: r.GetString(0),
        OrgId: r.GetString(1),
        UserId: r.GetString(2),
        Name: r.GetString(3),
        Hint: r.GetString(4),
        // A scope this version does not know grants nothing.
        Scopes: [.. TeamChecks.FromJson(r.GetString(5)).Where(Scopes.IsKnown)],
        CreatedAt: TaskColumns.Time(r.GetInt64(6)),
        ExpiresAt: r.IsDBNull(7) ? null : TaskColumns.Time(r.GetInt64(7)),
        RevokedAt: r.IsDBNull(8) ? null : TaskColumns.Time(r.GetInt64(8)),
        LastUsedAt: r.IsDBNull(9) ? null : TaskColumns.Time(r.GetInt64(9)));
}
