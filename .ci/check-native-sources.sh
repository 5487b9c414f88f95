#!/usr/bin/env bash
# Checks the output of the GraalVM-free native build (target/native-sources/, written by
# ./mvnw package -Dquarkus.native.enabled=true -Dquarkus.native.sources-only=true):
#  - the catalog CSVs and the ledger migrations are included as native-image resources;
#  - every class annotated @RegisterForReflection in src/main/java is registered for reflection.
# Only needs the JDK (jar) and grep. It does not (cannot here) run native-image itself.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/native-sources
test -f "$dir/native-image.args" || { echo "missing $dir/native-image.args" >&2; exit 1; }
runner=$(ls "$dir"/*-runner.jar | head -1)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$work" && jar xf "$OLDPWD/$runner" META-INF/native-image)
# everything native-image will read: the arguments and the metadata inside the runner jar
meta="$work/all-metadata.txt"
{ cat "$dir/native-image.args"; find "$work/META-INF" -type f -exec cat {} +; } > "$meta"
fail=0
# resources: matched against the include patterns (regular expressions) as native-image would
java .ci/NativeResources.java "$dir/native-image.args" "$work/META-INF" $(cd src/main/resources && ls catalog/*.csv db/ledger/*.sql) || fail=1
for src in $(grep -rl '@RegisterForReflection' src/main/java); do
  cls=$(echo "${src#src/main/java/}" | sed 's/\.java$//; s#/#.#g')
  if grep -qF "$cls" "$meta"; then echo "reflection ok: $cls"
  else echo "reflection NOT registered: $cls" >&2; fail=1; fi
done
exit $fail
