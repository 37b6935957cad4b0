Console.Error.WriteLine("test host: not built yet");
return 1;
