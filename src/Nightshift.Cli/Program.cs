Console.Error.WriteLine("nightshift: the command line is not built yet");
return 1;
