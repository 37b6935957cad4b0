using System.Globalization;

namespace Nightshift.Sandbox.Internal;

/// <summary>
/// The shell steps around a command: the launcher that joins the cgroups, limits and becomes bubblewrap on the host, and
/// the limiting step used when running without a jail.
/// </summary>
internal static class JailScripts
{
    public const string CgroupJoinFailed = "nightshift-sandbox: cannot join cgroup";

    /// <summary>
    /// Run by bash on the host, started ahead of need so that its slow part is off a command's path: closes every
    /// descriptor above 2 (a second line behind the host's close-on-exec sweep), writes its own pid to each
    /// cgroup.procs given between the arguments file and <c>--</c> (joining a cgroup waits for an RCU grace period,
    /// several milliseconds), prints <c>R</c> and waits. A newline on stdin is the go: it prints <c>G</c> (so the host knows the go was taken, not lost to a launcher
    /// killed while idle), reads the NUL-separated
    /// arguments file (the five limits of <see cref="LimitAndExec"/>, then bubblewrap's command line), sets the rlimits
    /// and becomes bubblewrap, so every process of the jail is born inside the groups and under the limits. End of
    /// input instead means it is no longer needed: it leaves its groups, removes them and exits.
    /// </summary>
    public const string Launcher = """
        for f in /proc/self/fd/*; do n=${f##*/}; if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-"; fi; done
        file=$1; shift; groups=()
        for f do [ "$f" = -- ] && break; groups+=("${f%/cgroup.procs}"); echo $$ > "$f" || { echo "nightshift-sandbox: cannot join cgroup $f" >&2; exit 125; }; shift; done
        printf R
        if ! IFS= read -r _; then
          for g in "${groups[@]}"; do echo $$ > "${g%/*}/cgroup.procs" && /bin/rmdir "$g"; done 2>/dev/null
          exit 0
        fi
        printf G
        mapfile -d '' -t a < "$file" || exit 126
        set -- "${a[@]}"
        c=$1 a=$2 s=$3 o=$4 p=$5; shift 5
        if [ "$c" != - ]; then ulimit -S -t "$c" && ulimit -H -t $((c + 1)) || exit 126; fi
        if [ "$a" != - ]; then ulimit -S -H -v "$a" || exit 126; fi
        if [ "$s" != - ]; then ulimit -S -H -f "$s" || exit 126; fi
        if [ "$o" != - ]; then ulimit -S -H -n "$o" || exit 126; fi
        if [ "$p" != - ]; then ulimit -S -H -u "$p" || exit 126; fi
        exec "$@"
        """;

    /// <summary>
    /// Run by bash inside a <see cref="ReadyJail"/> once bubblewrap has made its namespaces and mounts: closes every
    /// descriptor above 2, prints <c>R</c> and waits. A newline on stdin is the go: it prints <c>G</c>, reads the rest
    /// of stdin to its end as NUL-separated fields (the working directory, the five limits of <see cref="Limits"/>,
    /// the number of environment entries, those <c>NAME=value</c> entries, then the command), enters the directory,
    /// sets the rlimits and becomes the command through <c>env -i</c>, so the command sees exactly the environment it
    /// was given plus PWD, as bubblewrap's --chdir sets it (bash would add SHLVL), and reads end-of-file on stdin. A program that cannot be found is reported the
    /// way the jail's other path reports it. End of input instead of the go means it is no longer needed: it exits.
    /// </summary>
    public const string Waiter = """
        for f in /proc/self/fd/*; do n=${f##*/}; if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-"; fi; done
        printf R
        IFS= read -r _ || exit 0
        printf G
        mapfile -d '' -t a || exit 126
        set -- "${a[@]}"
        w=$1 c=$2 v=$3 s=$4 o=$5 p=$6 n=$7; shift 7
        vars=("${@:1:n}" "PWD=$w"); shift "$n"
        cd -- "$w" 2>/dev/null || { printf 'nightshift-sandbox: the working directory %s is gone\n' "$w" >&2; exit 126; }
        if [ "$c" != - ]; then ulimit -S -t "$c" && ulimit -H -t $((c + 1)) || exit 126; fi
        if [ "$v" != - ]; then ulimit -S -H -v "$v" || exit 126; fi
        if [ "$s" != - ]; then ulimit -S -H -f "$s" || exit 126; fi
        if [ "$o" != - ]; then ulimit -S -H -n "$o" || exit 126; fi
        if [ "$p" != - ]; then ulimit -S -H -u "$p" || exit 126; fi
        if [[ $1 == */* ]]; then
          [ -e "$1" ] || { printf '%s: command not found\n' "$1" >&2; exit 127; }
          [ -f "$1" ] && [ -x "$1" ] || { printf '%s: Permission denied\n' "$1" >&2; exit 126; }
        else
          found= rest=$PATH:
          while [ -n "$rest" ] && [ -z "$found" ]; do d=${rest%%:*}; rest=${rest#*:}; [ -f "$d/$1" ] && [ -x "$d/$1" ] && found=1; done
          [ -n "$found" ] || { printf '%s: command not found\n' "$1" >&2; exit 127; }
        fi
        exec /usr/bin/env -i "${vars[@]}" "$@"
        """;

    /// <summary>
    /// Run by bash inside a networked jail before its command: starts socat listening on 127.0.0.1:<c>$1</c> (the port
    /// the proxy variables name) and forwarding each connection to the egress proxy's Unix socket <c>$2</c>, waits until
    /// the port is listening (read from /proc/net/tcp with builtins), then finds the command the way the jail's other
    /// paths do and becomes it without the variables bash itself adds, so the command sees the environment it was given.
    /// socat dies with the jail's pid namespace when the command ends.
    /// </summary>
    public const string Bridge = """
        port=$1 socket=$2; shift 2
        socat "TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$socket" </dev/null >/dev/null 2>&1 &
        bridge=$! want=$(printf '0100007F:%04X' "$port")
        for ((i = 0; ; i++)); do
          while read -r _ a _ st _; do [ "$a" = "$want" ] && [ "$st" = 0A ] && break 2; done < /proc/net/tcp
          if ((i >= 5000)) || ! kill -0 "$bridge" 2>/dev/null; then
            printf 'nightshift-sandbox: the network bridge (socat) did not start inside the jail; install socat on the host (Debian: apt-get install socat) and run `nightshift doctor`\n' >&2
            exit 126
          fi
          /usr/bin/sleep 0.001
        done
        if [[ $1 == */* ]]; then
          [ -e "$1" ] || { printf '%s: command not found\n' "$1" >&2; exit 127; }
          [ -f "$1" ] && [ -x "$1" ] || { printf '%s: Permission denied\n' "$1" >&2; exit 126; }
        else
          found= rest=$PATH:
          while [ -n "$rest" ] && [ -z "$found" ]; do d=${rest%%:*}; rest=${rest#*:}; [ -f "$d/$1" ] && [ -x "$d/$1" ] && found=1; done
          [ -n "$found" ] || { printf '%s: command not found\n' "$1" >&2; exit 127; }
        fi
        exec /usr/bin/env -u SHLVL -u _ -u OLDPWD "$@"
        """;

    /// <summary>
    /// Run by bash inside a networked jail ahead of <see cref="Bridge"/> (whose <c>$1</c> is the proxy's port): writes
    /// the proxy into the configuration of the tools that do not all read the proxy variables — npm's <c>.npmrc</c>,
    /// pip's <c>pip.conf</c>, git's <c>.gitconfig</c> and NuGet's <c>NuGet.Config</c> (in HOME, a fresh tmpfs, and
    /// where the .NET CLI's home puts it) — each only where no such file is already there. bash builtins only, except
    /// one mkdir, so it costs a networked command next to nothing.
    /// </summary>
    public const string ToolConfig = """
        u="http://127.0.0.1:$1"
        /usr/bin/mkdir -p "$HOME/.config/pip" "$HOME/.nuget/NuGet" "${DOTNET_CLI_HOME:-$HOME}/.nuget/NuGet" 2>/dev/null
        [ -e "$HOME/.npmrc" ] || printf 'proxy=%s/\nhttps-proxy=%s/\n' "$u" "$u" > "$HOME/.npmrc"
        [ -e "$HOME/.config/pip/pip.conf" ] || printf '[global]\nproxy = %s\n' "$u" > "$HOME/.config/pip/pip.conf"
        [ -e "$HOME/.gitconfig" ] || printf '[http]\n\tproxy = %s\n' "$u" > "$HOME/.gitconfig"
        for f in "$HOME/.nuget/NuGet/NuGet.Config" "${DOTNET_CLI_HOME:-$HOME}/.nuget/NuGet/NuGet.Config"; do
          [ -e "$f" ] || printf '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <config>\n    <add key="http_proxy" value="%s" />\n  </config>\n</configuration>\n' "$u" > "$f"
        done 2>/dev/null

        """;

    /// <summary>
    /// Run by bash before an unsandboxed command (the development switch): closes every descriptor above 2 (a second line behind the host's
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

    /// <summary>The five limits as the scripts read them (bash counts -v and -f in KiB).</summary>
    public static IEnumerable<string> Limits(SandboxLimits limits) =>
    [
        Format(limits.CpuSeconds),
        Format(limits.AddressSpaceBytes / 1024),
        Format(limits.FileSizeBytes is { } size ? Math.Max(1, size / 1024) : null),
        Format(limits.OpenFiles),
        Format(limits.Processes),
    ];

    /// <summary>The arguments after <see cref="LimitAndExec"/>: $0, the five limits (bash counts -v and -f in KiB), then the command.</summary>
    public static IEnumerable<string> LimitArguments(SandboxLimits limits) => ["nightshift-jail", .. Limits(limits)];

    private static string Format(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
