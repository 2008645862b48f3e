# Sourced by ./imagine and ./run-tests: sets JAVA_HOME to a JDK 25 or newer, or exits with a clear message.
# Order: $JAVA_HOME if it is 25+, then the newest JDK 25+ under /usr/lib/jvm.
imagine_java_major() {  # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n1
}
imagine_find_jdk25() {
  local candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(imagine_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then return 0; fi
  fi
  for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate=${candidate%/}
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(imagine_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then export JAVA_HOME="$candidate"; return 0; fi
  done
  echo "imagine: no JDK 25 found (JAVA_HOME=${JAVA_HOME:-unset}, nothing suitable under /usr/lib/jvm)." >&2
  echo "imagine: install one from https://adoptium.net/temurin/releases/?version=25 and set JAVA_HOME." >&2
  exit 1
}
imagine_find_jdk25
export PATH="$JAVA_HOME/bin:$PATH"
# Maven itself runs on this JDK; without this flag JDK 24+ warns about sun.misc.Unsafe inside Maven's own libraries.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
if ! command -v mvn >/dev/null 2>&1; then
  echo "imagine: Maven (mvn 3.8+) is not on the PATH; install it (Debian: apt-get install maven)." >&2
  exit 1
fi
