Console.Error.WriteLine("Nightshift.Bench.Server: no benchmark yet");
return 1;
