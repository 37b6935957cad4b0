using Nightshift.Core.Errors;
using Nightshift.Core.Tasks;

namespace Nightshift.Core.Tests.Tasks;

public sealed class NewTaskTests
{
    private static NewTask Valid() => new() { Repo = "https://github.com/acme/app", Instruction = "Fix the failing date test" };

    [Fact]
    public void Validated_GoodInput_TrimsAndDerivesTitle()
    {
        var task = (Valid() with { Repo = "  https://github.com/acme/app \n", Instruction = "  Fix it\nwith care  " }).Validated();

        task.Repo.ShouldBe("https://github.com/acme/app");
        task.Instruction.ShouldBe("Fix it\nwith care");
        task.Title.ShouldBe("Fix it");
    }

    [Fact]
    public void Validated_MissingRepoAndInstruction_ReportsBothWithWhatToDo()
    {
        var error = Should.Throw<ValidationException>(() => new NewTask { Repo = " ", Instruction = "" }.Validated());

        error.Errors.Keys.ShouldBe(["repo", "instruction"], ignoreOrder: true);
        error.Errors["repo"][0].ShouldContain("is required");
        error.Errors["instruction"][0].ShouldContain("say in plain language");
    }

    [Fact]
    public void Validated_NullFieldsFromADeserializer_AreReportedNotThrownAsNullReference()
    {
        var error = Should.Throw<ValidationException>(() => new NewTask { Repo = null!, Instruction = null! }.Validated());

        error.Errors.Count.ShouldBe(2);
    }

    [Fact]
    public void Validated_OversizedValues_AreRefusedWithTheLimit()
    {
        var error = Should.Throw<ValidationException>(() => (Valid() with
        {
            Instruction = new string('x', NewTask.MaxInstructionLength + 1),
            Repo = "https://github.com/" + new string('a', NewTask.MaxRepoLength),
            Title = new string('t', 500),
            IdempotencyKey = new string('k', 201),
        }).Validated());

        error.Errors["instruction"][0].ShouldContain($"at most {NewTask.MaxInstructionLength}");
        error.Errors["repo"][0].ShouldContain($"at most {NewTask.MaxRepoLength}");
        error.Errors.Keys.ShouldContain("title");
        error.Errors.Keys.ShouldContain("idempotencyKey");
    }

    [Theory]
    [InlineData("-upload-pack=evil")]
    [InlineData("main..dev")]
    [InlineData("feature/$(touch x)")]
    [InlineData("a b")]
    [InlineData("/abs")]
    [InlineData("refs/heads/x.lock")]
    [InlineData("x@{1}")]
    public void Validated_HostileBaseBranch_IsRefused(string branch)
    {
        var error = Should.Throw<ValidationException>(() => (Valid() with { BaseBranch = branch }).Validated());

        error.Errors["baseBranch"][0].ShouldContain("not a usable branch name");
    }

    [Theory]
    [InlineData("main")]
    [InlineData("release/2.0")]
    [InlineData("feature_x-1")]
    public void Validated_OrdinaryBaseBranch_IsKept(string branch)
    {
        (Valid() with { BaseBranch = branch }).Validated().BaseBranch.ShouldBe(branch);
    }

    [Theory]
    [InlineData("gpt-4.1")]
    [InlineData("openai/g\u0001pt")]
    public void Validated_ModelWithoutProviderOrWithControlCharacters_IsRefused(string model)
    {
        var error = Should.Throw<ValidationException>(() => (Valid() with { Model = model }).Validated());

        error.Errors["model"][0].ShouldContain("provider/model");
    }

    [Theory]
    [InlineData(-1001)]
    [InlineData(1001)]
    public void Validated_PriorityOutOfRange_IsRefused(int priority)
    {
        Should.Throw<ValidationException>(() => (Valid() with { Priority = priority }).Validated())
            .Errors["priority"][0].ShouldContain("between -1000 and 1000");
    }

    [Fact]
    public void Validated_RepoWithControlCharacters_IsRefused()
    {
        Should.Throw<ValidationException>(() => (Valid() with { Repo = "https://github.com/a/b\u0000" }).Validated())
            .Errors["repo"][0].ShouldContain("control characters");
    }

    [Fact]
    public void DeriveTitle_LongFirstLine_IsCutAtAWordBoundary()
    {
        var title = NewTask.DeriveTitle(string.Join(' ', Enumerable.Repeat("word", 40)));

        title.Length.ShouldBeLessThanOrEqualTo(80);
        title.ShouldEndWith("word…");
    }

    [Fact]
    public void Validated_NoTitle_DerivesOneFromTheInstruction()
    {
        var task = (Valid() with { Instruction = "Three steps:\n1. add a README\n2. add a licence", Title = null }).Validated();

        task.Title.ShouldBe("Three steps: add a README");
    }

    [Fact]
    public void Validated_TitleGiven_KeepsItTrimmed()
    {
        var task = (Valid() with { Instruction = "Three steps:\n1. add a README", Title = "  Tidy the repository  " }).Validated();

        task.Title.ShouldBe("Tidy the repository");
    }

    [Fact]
    public void Validated_TitleTooLong_IsRefused()
    {
        Should.Throw<ValidationException>(() => (Valid() with { Title = new string('t', NewTask.MaxTitleLength + 1) }).Validated())
            .Errors["title"][0].ShouldContain("at most 200 characters");
    }

    [Fact]
    public void Validated_TitleWithANewline_IsRefused()
    {
        Should.Throw<ValidationException>(() => (Valid() with { Title = "one\ntwo" }).Validated())
            .Errors.Keys.ShouldContain("title");
    }
}
