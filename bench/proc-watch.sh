#!/usr/bin/env bash
# Samples one Java process (by a pattern of its command line) over a window: CPU time (utime+stime from
# /proc/<pid>/stat) and context switches summed over all its threads (/proc/<pid>/task/*/status), and the same
# per thread name, so a run's CPU per message and thread hand-offs per message can be computed.
#   bench/proc-watch.sh PATTERN DELAY_S WINDOW_S (DELAY_S after the process appears)    e.g. bench/proc-watch.sh 'gateway.cli.Main run' 12 20
# Prints: cpu_ticks (1/100 s), voluntary and involuntary switches over the window, then the top threads.
set -euo pipefail
pattern=$1 delay=$2 window=$3
pid=
for _ in $(seq 1 600); do for c in $(pgrep -f -- "$pattern" || true); do
    [ "$(cat /proc/"$c"/comm 2>/dev/null)" = java ] && pid=$c && break
  done
  [ -n "$pid" ] && break; sleep 0.5; done
[ -n "$pid" ] || { echo "no process matches '$pattern'" >&2; exit 1; }
sleep "$delay"
snap() { # tid name ticks vol invol, one line per thread
  for t in /proc/"$pid"/task/*; do
    local tid=${t##*/} st name vol inv
    st=$(cat "$t/stat" 2>/dev/null) || continue
    name=$(cat "$t/comm" 2>/dev/null | tr ' ' '_')
    vol=$(awk '/^voluntary_ctxt_switches/{print $2}' "$t/status" 2>/dev/null)
    inv=$(awk '/^nonvoluntary_ctxt_switches/{print $2}' "$t/status" 2>/dev/null)
    st=${st##*) }
    # shellcheck disable=SC2086
    set -- $st
    echo "$tid $name $((${12} + ${13})) ${vol:-0} ${inv:-0}"
  done
}
a=$(snap); sleep "$window"; b=$(snap)
join <(echo "$a" | sort) <(echo "$b" | sort) | awk -v w="$window" '
  { dt=$7-$3; dv=$8-$4; di=$9-$5; n=$2; T+=dt; V+=dv; I+=di; tn[n]+=dt; vn[n]+=dv; cn[n]++ }
  END { printf "window %d s: cpu_ticks %d (%.1f%% of one core) voluntary %d involuntary %d\n", w, T, T/w, V, I;
        for (n in tn) printf "  %-28s x%-3d cpu_ticks %6d voluntary %8d\n", n, cn[n], tn[n], vn[n] | "sort -k4 -nr | head -20" }'
