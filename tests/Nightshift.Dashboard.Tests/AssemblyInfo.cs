// The dashboard's tests start real servers and Debian's Chromium; they run on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
