using System.Globalization;

namespace Nightshift.Sandbox.Internal;

/// <summary>The two small shell steps around a command: joining the cgroups on the host, and limiting it in the jail.</summary>
internal static class JailScripts
{
    public const string CgroupJoinFailed = "nightshift-sandbox: cannot join cgroup";

    /// <summary>
    /// Run by /bin/sh on the host: writes its own pid to each cgroup.procs given before <c>--</c>, then becomes
    /// bubblewrap, so every process of the jail is born inside the groups.
    /// </summary>
    public const string JoinCgroups =
        "for f do [ \"$f\" = -- ] && break; echo $$ > \"$f\" || { echo \"" + CgroupJoinFailed + " $f\" >&2; exit 125; }; shift; done; shift; exec \"$@\"";

    /// <summary>
    /// Run by bash as the jail's first process: closes every descriptor above 2 (a second line behind the host's
    /// close-on-exec sweep), sets the rlimits, then becomes the command. CPU gets a soft limit one second under the hard
    /// one so the process sees SIGXCPU (reported as a CPU limit) rather than a bare SIGKILL.
    /// </summary>
    public const string LimitAndExec = """
        for f in /proc/self/fd/*; do n=${f##*/}; if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-"; fi; done
        c=$1 a=$2 s=$3 o=$4 p=$5; shift 5
        if [ "$c" != - ]; then ulimit -S -t "$c" && ulimit -H -t $((c + 1)) || exit 126; fi
        if [ "$a" != - ]; then ulimit -S -H -v "$a" || exit 126; fi
        if [ "$s" != - ]; then ulimit -S -H -f "$s" || exit 126; fi
        if [ "$o" != - ]; then ulimit -S -H -n "$o" || exit 126; fi
        if [ "$p" != - ]; then ulimit -S -H -u "$p" || exit 126; fi
        exec "$@"
        """;

    /// <summary>The arguments after <see cref="LimitAndExec"/>: $0, the five limits (bash counts -v and -f in KiB), then the command.</summary>
    public static IEnumerable<string> LimitArguments(SandboxLimits limits) =>
    [
        "nightshift-jail",
        Format(limits.CpuSeconds),
        Format(limits.AddressSpaceBytes / 1024),
        Format(limits.FileSizeBytes is { } size ? Math.Max(1, size / 1024) : null),
        Format(limits.OpenFiles),
        Format(limits.Processes),
    ];

    private static string Format(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
