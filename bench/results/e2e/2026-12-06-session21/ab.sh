#!/bin/bash
# ab.sh: RSS with 1,000 devices (1,000 msg/s in all, 90 s), old dist (main) and new (dist2) interleaved twice, with class counts
cd /tmp/s21
for r in 1 2; do
  for d in dist dist2; do
    bash rssc.sh r$r-$d /tmp/s21/$d 90 1000 1000 "$(cat M.txt)"
  done
done
