# permsg.awk -v r=MSG_PER_S -v w=WINDOW_S : bench/proc-watch.sh's output per message (ticks are 1/100 s)
/^window/ { printf "all threads: %.1f us/msg, %.3f voluntary and %.3f involuntary switches/msg\n", $5*1e4/(r*w), $11/(r*w), $13/(r*w) }
/cpu_ticks/ && !/^window/ { printf "  %-28s %-4s cpu %6.1f us/msg, %.3f voluntary switches/msg\n", $1, $2, $4*1e4/(r*w), $6/(r*w) }
