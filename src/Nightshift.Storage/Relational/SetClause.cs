using System.Globalization;
using System.Text;

namespace Nightshift.Storage.Relational;

/// <summary>Writes the assignments of an UPDATE from (column, value) pairs, values as parameters unless they are <see cref="SqlRaw"/>.</summary>
internal static class SetClause
{
    /// <param name="prefix">starts every parameter name, so two UPDATEs can share one statement's parameters.</param>
    public static void Append(
        StringBuilder sql,
        List<(string Name, object? Value)> args,
        IReadOnlyList<(string Column, object? Value)> changes,
        string prefix)
    {
        for (var i = 0; i < changes.Count; i++)
        {
            var (column, value) = changes[i];
            if (value is SqlRaw raw)
            {
                sql.Append(CultureInfo.InvariantCulture, $"{column} = {raw.Sql}, ");
            }
            else
            {
                sql.Append(CultureInfo.InvariantCulture, $"{column} = @{prefix}{i}, ");
                args.Add(($"{prefix}{i}", value));
            }
        }
    }
}
