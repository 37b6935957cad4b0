namespace Nightshift.TestKit.Models;

public enum ModelWireFormat
{
    OpenAIChatCompletions,
    AnthropicMessages,
}
