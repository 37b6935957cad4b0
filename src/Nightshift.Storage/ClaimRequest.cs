namespace Nightshift.Storage;

/// <param name="WorkerId">a stable name of the claiming worker (host:pid:slot; the worker writes host@token, the token naming its data folder), shown as the task's lease owner.</param>
/// <param name="LeaseDuration">how long the lease lasts without a heartbeat; zero for the store's <see cref="StoreOptions.LeaseDuration"/>.</param>
/// <param name="MaxRunning">global cap on running tasks; null for none.</param>
/// <param name="MaxRunningPerRepo">cap on running tasks of one repository; null for none.</param>
public sealed record ClaimRequest(string WorkerId, TimeSpan LeaseDuration, int? MaxRunning = null, int? MaxRunningPerRepo = null);
