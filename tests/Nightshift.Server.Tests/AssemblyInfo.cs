// The server's tests exercise Unix behaviour (file modes, signals); they run on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
