using Nightshift.Workspaces.SetupCache;

namespace Nightshift.Agent.Execution;

/// <summary>
/// What the setup cache said before setup: restored (<see cref="Hit"/>, setup skipped), or the key to store under after
/// setup (null when setup cannot be cached) and why nothing was restored; <see cref="SetupStarted"/> times setup.
/// </summary>
internal sealed record CachedSetupLookup(bool Hit, SetupCacheKeyResult Key, string Reason, long SetupStarted);
