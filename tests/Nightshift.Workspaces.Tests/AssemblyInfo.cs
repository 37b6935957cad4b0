// Workspaces run git on Linux hosts only (bubblewrap sandbox); the tests use Unix file modes and /proc.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
