#!/usr/bin/env bash
# The chaos run (see src/test/java/io/cloudprovisioner/chaos/ChaosRun.java): the packaged application against
# the DigitalOcean stand-in with random faults and at least 20 process crashes; prints FIGURE lines and
# "CHAOS: PASSED" when nothing was lost or duplicated.
#   bench/chaos.sh                         1,000 provisions, >= 20 crashes, embedded ledger
#   bench/chaos.sh --ledger=postgresql     the same on PostgreSQL (an embedded server the run starts itself, or
#                                          the one CLOUDPROVISIONER_TEST_POSTGRESQL_URL names)
#   other options: --provisions=N --crashes=N --concurrency=N --seed=N --crash-probability=P --fault-rate=X
#   SKIP_BUILD=1 reuses target/ from a previous build
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SKIP_BUILD:-}" ]; then
  ./mvnw -B -q package -DskipTests
  ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
fi
CP="target/test-classes:target/classes:$(cat target/bench.cp)"
echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$CP" io.cloudprovisioner.chaos.ChaosRun "$@"
