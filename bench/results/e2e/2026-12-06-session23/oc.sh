#!/bin/bash
# oc.sh LABEL DIST EXTRA : one connection, 32 in flight, per-thread CPU and switches per message over 12 s
label=$1 dist=$2 extra=${3:-}
mkdir -p /tmp/s23/oc; cd /work/main
(FOGBRIDGE_DEVICES_PIPELINEDACKS=true bench/e2e.sh --gateway-dist $dist --scenario custom --name $label --clients 1 --window 32 --rate 0 --fsync ${FSYNC:-group} --duration 25 --warmup 5 --ceiling-s 0 --mqtt-ceiling-s 0 --json /tmp/s23/oc/$label.json --gateway-opts "$(cat /tmp/s21/M.txt) $extra -Dfogbridge.bench.tag=$label" > /tmp/s23/oc/$label.log 2>&1) &
bp=$!
snap() { for t in /proc/$1/task/*; do echo "${t##*/} $(cat $t/comm | tr ' ' _) $(awk '/^voluntary_ctxt/{v=$2}/^nonvoluntary/{n=$2}END{print v, n}' $t/status) $(awk '{print $14+$15}' $t/stat)"; done | sort; }
sleep 14
pid=$(pgrep -f -- "-Dfogbridge.bench.tag=$label" | while read p; do grep -q E2eBench /proc/$p/cmdline 2>/dev/null || echo $p; done | head -1)
snap $pid > /tmp/s23/oc/$label.c1; sleep 12; snap $pid > /tmp/s23/oc/$label.c2
wait $bp
r=$(python3 -c "import json; d=json.load(open('/tmp/s23/oc/$label.json')); r=d['runs'][0] if 'runs' in d else d; print(int(r['msgPerSecond']))")
echo "$label: $r msg/s"
join /tmp/s23/oc/$label.c1 /tmp/s23/oc/$label.c2 | awk -v r=$r '{v=($7-$3)/12/r; n=($8-$4)/12/r; c=($9-$5)*10000/12/r; tv+=v; tn+=n; tc+=c; if (v+n>0.005 || c>0.3) printf "%-18s vol/msg %.3f invol/msg %.3f cpu us/msg %.1f\n", $2, v, n, c} END {printf "%-18s vol/msg %.3f invol/msg %.3f cpu us/msg %.1f\n", "TOTAL", tv, tn, tc}'
grep -E "PUBACK" /tmp/s23/oc/$label.log | tail -1
