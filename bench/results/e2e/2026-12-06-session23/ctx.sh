#!/bin/bash
# ctx.sh LABEL DIST RATE CLIENTS : context switches per thread over 20 s of steady load
label=$1 dist=$2 rate=$3 cl=${4:-100} extra=${5:-}
cd /work/main
(FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $dist --scenario custom --name $label --clients $cl --rate $rate --fsync group --duration 40 --warmup 10 --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s23/ctx/$label.json --gateway-opts "$(cat /tmp/s21/M.txt) -Dfogbridge.bench.tag=$label $extra" > /tmp/s23/ctx/$label.log 2>&1) &
bp=$!
snap() { for t in /proc/$1/task/*; do echo "${t##*/} $(cat $t/comm | tr ' ' _) $(awk '/^voluntary_ctxt/{v=$2}/^nonvoluntary/{n=$2}END{print v, n}' $t/status) $(awk '{print $14+$15}' $t/stat)"; done | sort; }
sleep 25
pid=$(pgrep -f -- "-Dfogbridge.bench.tag=$label $extra" | while read p; do grep -q E2eBench /proc/$p/cmdline 2>/dev/null || echo $p; done | head -1)
snap $pid > /tmp/s23/ctx/$label.c1; sleep 20; snap $pid > /tmp/s23/ctx/$label.c2
wait $bp
join /tmp/s23/ctx/$label.c1 /tmp/s23/ctx/$label.c2 | awk -v r=$rate '{v=($7-$3)/20/r; n=($8-$4)/20/r; c=($9-$5)*10000/20/r; tv+=v; tn+=n; tc+=c; if (v+n>0.005 || c>0.5) printf "%-18s vol/msg %.3f invol/msg %.3f cpu us/msg %.1f\n", $2, v, n, c} END {printf "%-18s vol/msg %.3f invol/msg %.3f cpu us/msg %.1f\n", "TOTAL", tv, tn, tc}'
grep -E "PUBACK" /tmp/s23/ctx/$label.log | tail -2
