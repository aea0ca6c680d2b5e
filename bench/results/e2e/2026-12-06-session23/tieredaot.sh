. /tmp/s23/jit.sh
T="$M -XX:TieredStopAtLevel=4"
rm -f /tmp/s23/t.aot
run train-t "$T $X -XX:AOTCacheOutput=/tmp/s23/t.aot" --scenario custom --name train-t --clients 100 --rate 5000 --fsync group --duration 40 --warmup 5
ls -la /tmp/s23/t.aot
bash /tmp/s23/rssc.sh TA1 /tmp/s22/distF 90 1000 1000 "$T $X -XX:AOTCache=/tmp/s23/t.aot"
bash /tmp/s23/ctx.sh TA5k /tmp/s22/distF 5000 100 "-XX:TieredStopAtLevel=4 $X -XX:AOTCache=/tmp/s23/t.aot"
run cold-ta "$T $X -XX:AOTCache=/tmp/s23/t.aot" --scenario 3 --duration 20 --warmup 5
