M="$(cat /tmp/s21/M.txt)"
bash /tmp/s23/rssc.sh T1 /tmp/s22/distF 90 1000 1000 "$M -XX:TieredStopAtLevel=4"
bash /tmp/s23/ctx.sh T5k /tmp/s22/distF 5000 100 "-XX:TieredStopAtLevel=4"
bash /tmp/s23/ctx.sh C5k /tmp/s22/distF 5000 100 ""
