using System.Globalization;

internal sealed record TestHostArguments(string Data, string Urls, string? Executor, int LeaseSeconds, int ShutdownSeconds, bool RunWorker)
{
    public static TestHostArguments? Parse(string[] args)
    {
        string? data = null;
        var urls = "http://127.0.0.1:0";
        string? executor = null;
        var lease = 30;
        var shutdown = 10;
        var worker = true;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--data": data = Next(); break;
                    case "--urls": urls = Next(); break;
                    case "--executor": executor = Next(); break;
                    case "--lease-seconds": lease = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--shutdown-seconds": shutdown = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--no-worker": worker = false; break;
                    default: return null;
                }
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return data is null ? null : new TestHostArguments(data, urls, executor, lease, shutdown, worker);
    }
}
