#!/bin/bash
for r in 1 2; do
  echo "== A $r"; bash /tmp/s23/ctx.sh A$r /tmp/s23/distP 5000 100 ""
  echo "== P $r"; bash /tmp/s23/ctx.sh P$r /tmp/s23/distP 5000 100 "-Dfogbridge.relay.coalesceMicros=500"
done
