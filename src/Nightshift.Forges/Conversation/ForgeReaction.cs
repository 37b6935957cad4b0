namespace Nightshift.Forges.Conversation;

/// <summary>The reactions Nightshift uses: seen (eyes), done (rocket), could not (confused).</summary>
public enum ForgeReaction
{
    Eyes,
    Rocket,
    Confused,
}
