using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Nightshift.Core.Pipelines;
using Nightshift.Core.Teams;
using Nightshift.Server.Tests.Support;
using Nightshift.Server.Tests.Teams;

namespace Nightshift.Server.Tests.Pipelines;

/// <summary><c>/api/v1/pipelines</c> over real HTTP on a real server and store.</summary>
public sealed class PipelinesApiTests
{
    [Fact]
    public async Task Register_NewThenSameName_Is201Then200_ListedShownAndDeleted()
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);

        using var created = await PipelineApiServer.RegisterAsync(server.Client, PipelineApiServer.LintFixTest);
        using var replaced = await PipelineApiServer.RegisterAsync(server.Client, PipelineApiServer.LintFixTest.Replace("Lint, fix what lint finds, test", "Lint and test", StringComparison.Ordinal));
        using var list = await server.Client.GetAsync("/api/v1/pipelines");
        using var one = await server.Client.GetAsync("/api/v1/pipelines/lint-fix-test");

        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        created.Headers.Location!.ToString().ShouldBe("/api/v1/pipelines/lint-fix-test");
        replaced.StatusCode.ShouldBe(HttpStatusCode.OK);
        var listed = (await ApiCalls.ReadJsonAsync(list)).GetProperty("items").EnumerateArray().ToList();
        listed.Count.ShouldBe(1);
        listed[0].GetProperty("description").GetString().ShouldBe("Lint and test");
        listed[0].GetProperty("yaml").ValueKind.ShouldBe(JsonValueKind.Null);
        var shown = await ApiCalls.ReadJsonAsync(one);
        shown.GetProperty("yaml").GetString()!.ShouldContain("Lint and test");
        shown.GetProperty("repo").GetString().ShouldBe(PipelineApiServer.Repo);
        shown.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ShouldBe(["lint", "fix", "test"]);
        var fix = shown.GetProperty("steps")[1];
        fix.GetProperty("kind").GetString().ShouldBe("agent");
        fix.GetProperty("dependsOn")[0].GetString().ShouldBe("lint");
        fix.GetProperty("onFailure").GetString().ShouldBe("continue");
        shown.GetProperty("steps")[2].GetProperty("requiresApproval").GetBoolean().ShouldBeTrue();
        shown.GetProperty("inputs")[0].GetProperty("required").GetBoolean().ShouldBeTrue();

        using var deleted = await server.Client.DeleteAsync("/api/v1/pipelines/lint-fix-test");
        using var again = await server.Client.DeleteAsync("/api/v1/pipelines/lint-fix-test");
        using var gone = await server.Client.GetAsync("/api/v1/pipelines/lint-fix-test");
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await ApiCalls.ShouldBeProblemAsync(again, HttpStatusCode.NotFound);
        (await ApiCalls.ShouldBeProblemAsync(gone, HttpStatusCode.NotFound)).GetProperty("detail").GetString()!.ShouldContain("nightshift pipeline ls");
    }

    [Fact]
    public async Task Register_YamlBody_IsReadAsTheFileItself()
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);

        using var response = await server.Client.PostAsync("/api/v1/pipelines", new StringContent(PipelineApiServer.LintFixTest, Encoding.UTF8, "text/yaml"));
        using var yamlType = await server.Client.PostAsync("/api/v1/pipelines", new StringContent(PipelineApiServer.LintFixTest, Encoding.UTF8, "application/yaml"));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        yamlType.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.Pipelines().FindPipelineAsync(OrgIds.Default, "lint-fix-test"))!.Yaml.ShouldBe(PipelineApiServer.LintFixTest);
    }

    [Fact]
    public async Task Register_WithProblems_Is400ListingEachWithItsLine_AndStoresNothing()
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);
        const string yaml = """
            name: broken
            steps:
              a:
                run: echo a
                depends_on: [nowhere]
              b:
                run: echo b
                colour: blue
            """;

        using var response = await PipelineApiServer.RegisterAsync(server.Client, yaml);

        var body = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        var problems = body.GetProperty("problems").EnumerateArray().ToList();
        problems.Count.ShouldBeGreaterThanOrEqualTo(2);
        problems.ShouldContain(p => p.GetProperty("line").GetInt32() == 5 && p.GetProperty("message").GetString()!.Contains("nowhere"));
        problems.ShouldContain(p => p.GetProperty("line").GetInt32() == 8 && p.GetProperty("message").GetString()!.Contains("colour"));
        problems.ShouldAllBe(p => p.GetProperty("column").GetInt32() > 0 && p.GetProperty("file").GetString() == "pipeline.yml");
        body.GetProperty("errors").GetProperty("yaml")[0].GetString()!.ShouldStartWith("pipeline.yml:");
        (await server.Pipelines().FindPipelineAsync(OrgIds.Default, "broken")).ShouldBeNull();
    }

    [Fact]
    public async Task Validate_ReportsProblemsOrTheName_AndStoresNothing()
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);

        using var good = await server.Client.PostAsJsonAsync("/api/v1/pipelines/validate", new { yaml = PipelineApiServer.LintFixTest });
        using var bad = await server.Client.PostAsJsonAsync("/api/v1/pipelines/validate", new { yaml = "name: x\nsteps:\n  a: { run: echo, depends_on: [a] }\n" });

        var ok = await ApiCalls.ReadJsonAsync(good);
        ok.GetProperty("valid").GetBoolean().ShouldBeTrue();
        ok.GetProperty("name").GetString().ShouldBe("lint-fix-test");
        var problems = await ApiCalls.ReadJsonAsync(bad);
        bad.StatusCode.ShouldBe(HttpStatusCode.OK);
        problems.GetProperty("valid").GetBoolean().ShouldBeFalse();
        problems.GetProperty("problems")[0].GetProperty("line").GetInt32().ShouldBe(3);
        (await server.Pipelines().ListPipelinesAsync(OrgIds.Default)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""{"yaml": "name: a", "id": "pl_1"}""", "id")]
    [InlineData("""{"yaml": "name: a", "orgId": "globex"}""", "orgId")]
    [InlineData("""{"yaml": 42}""", "yaml")]
    [InlineData("""{}""", "yaml")]
    [InlineData("""["name: a"]""", "body")]
    [InlineData("""{"yaml": "name: a""", "body")]
    [InlineData("", "yaml")]
    public async Task Register_MalformedOrUnknownFields_Is400NamingTheField(string body, string field)
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);

        using var response = await server.Client.PostAsync("/api/v1/pipelines", ApiCalls.Json(body));

        var problem = await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        (await server.Pipelines().ListPipelinesAsync(OrgIds.Default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Register_Oversized_Is413NamingTheLimit()
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);
        var huge = "name: big\ndescription: " + new string('x', PipelineYaml.MaxBytes) + "\nsteps:\n  a: { run: echo }\n";

        using var asYaml = await server.Client.PostAsync("/api/v1/pipelines", new StringContent(huge, Encoding.UTF8, "text/yaml"));
        using var asJson = await PipelineApiServer.RegisterAsync(server.Client, huge);

        (await ApiCalls.ShouldBeProblemAsync(asYaml, HttpStatusCode.RequestEntityTooLarge)).GetProperty("detail").GetString()!.ShouldContain(PipelineYaml.MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ((int)asJson.StatusCode).ShouldBeOneOf([413], await asJson.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Register_OtherContentTypeOrInvalidUtf8_IsRefusedSayingWhatToSend()
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);

        using var xml = await server.Client.PostAsync("/api/v1/pipelines", new StringContent("<pipeline/>", Encoding.UTF8, "application/xml"));
        using var binary = new ByteArrayContent([0x6e, 0x61, 0xff, 0xfe, 0x0a]);
        binary.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/yaml");
        using var notUtf8 = await server.Client.PostAsync("/api/v1/pipelines", binary);

        (await ApiCalls.ShouldBeProblemAsync(xml, HttpStatusCode.UnsupportedMediaType)).GetProperty("detail").GetString()!.ShouldContain("text/yaml");
        (await ApiCalls.ShouldBeProblemAsync(notUtf8, HttpStatusCode.BadRequest)).GetProperty("detail").GetString()!.ShouldContain("UTF-8");
    }

    [Theory]
    [InlineData("aliases: &a [1]\nname: x\nsteps: *a\n")]
    [InlineData("name: x\nsteps:\n  a: { run: echo, depends_on: [b] }\n  b: { run: echo, depends_on: [a] }\n")]
    [InlineData("\0\0\0")]
    public async Task Register_HostileYaml_Is400WithProblems(string yaml)
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);

        using var response = await PipelineApiServer.RegisterAsync(server.Client, yaml);

        (await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("problems").GetArrayLength().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Register_RepoTheOrganisationMayNotUse_Is403()
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);
        await TeamSetup.OrgAsync(server.Store, "acme", "https://github.com/acme/*");
        var member = await TeamSetup.MemberAsync(server.Store, "acme", TeamRole.Member);
        using var client = server.CreateClient(member.Token);

        using var response = await PipelineApiServer.RegisterAsync(client, PipelineApiServer.LintFixTest);

        (await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.Forbidden)).GetProperty("detail").GetString()!.ShouldContain("allowedRepos");
        (await server.Pipelines().ListPipelinesAsync("acme")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Pipelines_OfAnotherOrganisation_AreNotSeenNotReplacedAndNotDeleted()
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);
        await TeamSetup.OrgAsync(server.Store, "globex");
        var other = await TeamSetup.MemberAsync(server.Store, "globex", TeamRole.Member);
        using var elsewhere = server.CreateClient(other.Token);
        (await PipelineApiServer.RegisterAsync(server.Client, PipelineApiServer.LintFixTest)).StatusCode.ShouldBe(HttpStatusCode.Created);

        using var list = await elsewhere.GetAsync("/api/v1/pipelines");
        using var get = await elsewhere.GetAsync("/api/v1/pipelines/lint-fix-test");
        using var delete = await elsewhere.DeleteAsync("/api/v1/pipelines/lint-fix-test");
        using var own = await PipelineApiServer.RegisterAsync(elsewhere, PipelineApiServer.LintFixTest);

        (await ApiCalls.ReadJsonAsync(list)).GetProperty("items").GetArrayLength().ShouldBe(0);
        await ApiCalls.ShouldBeProblemAsync(get, HttpStatusCode.NotFound);
        await ApiCalls.ShouldBeProblemAsync(delete, HttpStatusCode.NotFound);
        own.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await server.Pipelines().FindPipelineAsync(OrgIds.Default, "lint-fix-test")).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("UPPER")]
    [InlineData("a%00b")]
    public async Task Get_HostileName_Is404(string name)
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);

        using var response = await server.Client.GetAsync("/api/v1/pipelines/" + Uri.EscapeDataString(name));

        await ApiCalls.ShouldBeProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Register_Scheduled_GetsItsNextTime_AndAuditRowsNameThePipeline()
    {
        using var data = new TempDirectory();
        await using var server = await PipelineApiServer.StartAsync(data);
        var yaml = PipelineApiServer.LintFixTest.Replace(
            "inputs:\n",
            "schedule: { cron: \"0 3 * * *\", time_zone: Europe/Berlin, inputs: { package: left-pad } }\ninputs:\n",
            StringComparison.Ordinal);

        using var created = await PipelineApiServer.RegisterAsync(server.Client, yaml);
        using var replaced = await PipelineApiServer.RegisterAsync(server.Client, yaml);
        using var deleted = await server.Client.DeleteAsync("/api/v1/pipelines/lint-fix-test");

        var body = await ApiCalls.ReadJsonAsync(created);
        body.GetProperty("schedule").GetString().ShouldBe("0 3 * * *");
        body.GetProperty("timeZone").GetString().ShouldBe("Europe/Berlin");
        var next = body.GetProperty("nextRunAt").GetDateTimeOffset();
        next.ShouldBeGreaterThan(DateTimeOffset.UtcNow);
        next.ShouldBeLessThanOrEqualTo(DateTimeOffset.UtcNow.AddHours(25));
        TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")).Hour.ShouldBe(3);
        await TestKit.TestDefaults.WaitUntilAsync(async () =>
        {
            using var audit = await server.Client.GetAsync("/api/v1/audit?target=lint-fix-test");
            var actions = (await ApiCalls.ReadJsonAsync(audit)).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
            return actions.Count(a => a == "pipeline.save") == 2 && actions.Contains("pipeline.delete");
        }, "the audit log has two saves and a delete of the pipeline");
    }
}
