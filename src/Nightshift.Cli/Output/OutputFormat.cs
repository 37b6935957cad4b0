namespace Nightshift.Cli.Output;

internal enum OutputFormat
{
    Text,
    Json,
}
