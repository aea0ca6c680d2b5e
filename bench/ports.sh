#!/usr/bin/env bash
# Sourced by the bench scripts (not run on its own): local ports for the processes a script starts.
# free_port picks from 20000-31999, below the kernel's ephemeral ports (32768 up by default), which the gateway's own
# port-0 MQTT listener and its outgoing connections take; a pick up there once lost its port to the gateway itself
# (bind: address in use). wait_port PORT waits up to 60 s for something to listen on it.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
wait_port() { for _ in $(seq 1 300); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; return 1; }
