# Sourced by mvnw, bin/fogbridge and .ci/run: sets JAVA_HOME to a JDK >= 21, or fails with a clear message.
# Order: $JAVA_HOME if it is new enough, then the folder that holds the system java's JDK
# (usually /usr/lib/jvm), newest first.

fogbridge_java_major() {
  # The JDK's release file first: starting a JVM per candidate cost seconds of every gateway start on a busy box
  # (BENCHMARKS.md, "Start-up and footprint"). JDK 8 says 1.8 there, which reads as 1: too old either way.
  local major="" line
  if [ -r "$1/release" ]; then
    while IFS= read -r line; do
      case "$line" in JAVA_VERSION=*) major=${line#JAVA_VERSION=\"}; major=${major%%[!0-9]*}; break ;; esac
    done <"$1/release"
  fi
  if [ -n "$major" ]; then
    echo "$major"
    return
  fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

fogbridge_find_jdk() {
  local want=21 candidate major dir
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(fogbridge_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge "$want" ]; then return 0; fi
    echo "fogbridge: JAVA_HOME=$JAVA_HOME is Java $major; looking for a JDK >= $want elsewhere" >&2
  fi
  local roots=()
  if command -v java >/dev/null 2>&1; then
    local java
    java=$(readlink -f "$(command -v java)")
    java=${java%/*}  # .../bin
    java=${java%/*}  # the JDK
    roots+=("${java%/*}")
  fi
  roots+=(/usr/lib/jvm /usr/java /opt/java /Library/Java/JavaVirtualMachines)
  local best="" best_major=0
  for dir in "${roots[@]}"; do
    [ -d "$dir" ] || continue
    for candidate in "$dir"/*/ "$dir"/*/Contents/Home/; do
      candidate=${candidate%/}
      [ -x "$candidate/bin/javac" ] || continue
      major=$(fogbridge_java_major "$candidate")
      if [ -n "$major" ] && [ "$major" -ge "$want" ] && [ "$major" -gt "$best_major" ]; then
        best=$candidate best_major=$major
      fi
    done
  done
  if [ -z "$best" ]; then
    echo "fogbridge: no JDK >= $want found (looked at JAVA_HOME and ${roots[*]})." >&2
    echo "fogbridge: install one (e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21/25) or set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}
