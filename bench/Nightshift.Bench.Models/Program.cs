Console.Error.WriteLine("Nightshift.Bench.Models: no benchmark yet");
return 1;
