. /tmp/s23/jit.sh
rm -f /tmp/s23/c2.aot
run train-c2 "$C2 $X -XX:AOTCacheOutput=/tmp/s23/c2.aot" --scenario custom --name train-c2 --clients 100 --rate 5000 --fsync group --duration 40 --warmup 5
ls -la /tmp/s23/c2.aot
for r in 1 2; do
run cold-c2aot-$r "$C2 $X -XX:AOTCache=/tmp/s23/c2.aot" --scenario 3 --duration 20 --warmup 5
run cold-c1-$r "$M" --scenario 3 --duration 20 --warmup 5
done
run cold-c2noaot "$C2" --scenario 3 --duration 20 --warmup 5
