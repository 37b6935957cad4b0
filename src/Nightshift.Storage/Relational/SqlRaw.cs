namespace Nightshift.Storage.Relational;

/// <summary>A column value written as an SQL expression (for example <c>COALESCE(started_at, @now)</c>) instead of a parameter.</summary>
internal sealed record SqlRaw(string Sql);
