Console.Error.WriteLine("Nightshift.Bench.Sandbox: no benchmark yet");
return 1;
