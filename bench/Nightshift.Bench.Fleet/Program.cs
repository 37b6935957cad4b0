// The fleet harness: see docs/fleet.md. Built by the Fleet part (Fleet/FleetRun.cs).
Console.Error.WriteLine("not built yet");
return 2;
