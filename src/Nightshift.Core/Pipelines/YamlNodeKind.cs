namespace Nightshift.Core.Pipelines;

internal enum YamlNodeKind
{
    Scalar,
    Mapping,
    Sequence,
}
