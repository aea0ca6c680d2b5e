M="$(cat /tmp/s21/M.txt)"
for r in 1 2; do
  bash /tmp/s23/rssc.sh A$r /tmp/s23/distJ 90 1000 1000 "$M"
  bash /tmp/s23/rssc.sh HK$r /tmp/s23/distJ 90 1000 1000 "$M -Dfogbridge.proto.noHivemqJmx=true -Dfogbridge.proto.noKafkaJmx=true"
done
