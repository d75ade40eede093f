# Sourced by ./mvnw and ./jacobi (POSIX sh): points JAVA_HOME at a JDK 25 or newer.
# Order: JAVA_HOME if it is 25+, then `java` on PATH, then the usual install folders.
# Prints one sentence and exits when none exists.

jacobi_java_major() {
  # Prints the feature version of the java binary $1 (e.g. 25), or nothing.
  "$1" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

jacobi_is_jdk25() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  jacobi_v=$(jacobi_java_major "$1/bin/java")
  [ -n "$jacobi_v" ] && [ "$jacobi_v" -ge 25 ]
}

jacobi_find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && jacobi_is_jdk25 "$JAVA_HOME"; then
    return 0
  fi
  if command -v javac >/dev/null 2>&1; then
    jacobi_cand=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if jacobi_is_jdk25 "$jacobi_cand"; then JAVA_HOME=$jacobi_cand; export JAVA_HOME; return 0; fi
  fi
  for jacobi_cand in /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* /usr/lib/jvm/*3[0-9]* \
      /opt/java/* /opt/jdk* /usr/local/lib/jvm/* /usr/java/* \
      "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if jacobi_is_jdk25 "$jacobi_cand"; then JAVA_HOME=$jacobi_cand; export JAVA_HOME; return 0; fi
  done
  echo "Jacobi needs JDK 25 or newer, and none was found in JAVA_HOME, on PATH or under /usr/lib/jvm: install Temurin 25 (or set JAVA_HOME to a JDK 25)." >&2
  exit 1
}

# ./mvnw runs with `set -f` (no globbing); the folder search needs globs.
case $- in *f*) jacobi_noglob=1; set +f ;; *) jacobi_noglob= ;; esac
jacobi_find_jdk25
[ -n "$jacobi_noglob" ] && set -f
PATH="$JAVA_HOME/bin:$PATH"
export PATH
