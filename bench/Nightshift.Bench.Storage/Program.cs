Console.Error.WriteLine("Nightshift.Bench.Storage: no benchmark yet");
return 1;
