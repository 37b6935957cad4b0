Console.Error.WriteLine("Nightshift.Bench.Workspaces: no benchmark yet");
return 1;
