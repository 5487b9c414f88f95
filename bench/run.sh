#!/usr/bin/env bash
# Benchmark harness: in-process mapping/selection, startup of the packaged app, gRPC load on loopback, and
# ProvisionInstance end to end against the DigitalOcean stand-in (overhead and 1,000 concurrent provisions).
# Works from a clean clone with JDK 17 and access to Maven Central. Prints one FIGURES block at the end; full output
# and the app logs are kept in target/bench/.
#
# Environment knobs (all optional):
#   SKIP_BUILD=1            reuse target/ (quarkus-app, test-classes, bench.cp) from a previous run
#   STARTUP_RUNS=5          runs of the startup benchmark
#   GRPC_CONCURRENCY=64     requests in flight in the gRPC load benchmark
#   GRPC_CHANNELS=1         client channels (HTTP/2 connections)
#   GRPC_WARMUP=5 GRPC_SECONDS=10   warm-up and measured seconds per RPC and round
#   GRPC_ROUNDS=3           rounds of health / SelectProvider / MapInstanceType (ratios are medians over rounds)
#   BENCH_ONLY=""           comma-separated subset of: inprocess,startup,grpc,provisioning (default: all)
#   INPROC_RUNS=5           measured runs of each in-process benchmark
#   APP_JAVA_OPTS=""        JVM options of the packaged app (startup, load and provisioning benchmarks)
#   PROV_WARMUP=50 PROV_PROVISIONS=200   sequential provisions (warm-up, measured) of the provisioning benchmark
#   PROV_CONCURRENT=1000    ProvisionInstance calls in flight at once in the provisioning benchmark
#   PROV_DEADLINE=120       deadline (s) of each of those calls
#   PROV_POLL_MS=20         the app's DigitalOcean poll interval during the provisioning benchmark
#   PROV_APP_PROPS=""       extra app system properties, "k=v;k=v" (e.g. quarkus.thread-pool.max-threads=400)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=target/bench
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
APP_PID=

cleanup() {
  if [[ -n "${APP_PID}" ]] && kill -0 "${APP_PID}" 2>/dev/null; then
    kill "${APP_PID}" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "${APP_PID}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${APP_PID}" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "${OUT}"
START=$(date +%s)

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "== build (package, test-compile, test classpath)"
  ./mvnw -B -q -DskipTests package
  ./mvnw -B -q test-compile
  ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
fi
mkdir -p "${OUT}"
CP="target/test-classes:target/classes:$(cat target/bench.cp)"
BUILD_END=$(date +%s)

LOAD_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)
echo "== machine"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  free -g | sed 's/^/free -g: /'
  "${JAVA}" -version 2>&1 | sed 's/^/java -version: /'
  echo "load average before benchmarks: ${LOAD_BEFORE}"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} | tee "${OUT}/machine.txt"

stage() { [[ -z "${BENCH_ONLY:-}" || ",${BENCH_ONLY}," == *",$1,"* ]]; }
for f in inprocess startup grpc provisioning; do stage "$f" || : >"${OUT}/${f}.txt"; done

if stage inprocess; then
echo "== in-process benchmark (MappingBenchmark)"
"${JAVA}" -Xms1g -Xmx1g -XX:+UseG1GC -cp "${CP}" io.cloudprovisioner.benchmark.MappingBenchmark \
  --runs="${INPROC_RUNS:-5}" | tee "${OUT}/inprocess.txt"
echo "== catalog growth and allocation per SelectProvider (SelectionGrowthBenchmark: 1x and a synthetic 10x catalog)"
"${JAVA}" -Xms1g -Xmx1g -XX:+UseG1GC -cp "${CP}" io.cloudprovisioner.benchmark.SelectionGrowthBenchmark \
  --runs="${INPROC_RUNS:-5}" | tee -a "${OUT}/inprocess.txt"
fi

if stage startup; then
echo "== startup benchmark (StartupBenchmark)"
"${JAVA}" -cp "${CP}" io.cloudprovisioner.benchmark.StartupBenchmark --jar=target/quarkus-app/quarkus-run.jar \
  --runs="${STARTUP_RUNS:-5}" --timeout-seconds=60 --log-dir="${OUT}" \
  ${APP_JAVA_OPTS:+"--app-java-opts=${APP_JAVA_OPTS}"} | tee "${OUT}/startup.txt"
fi

if stage grpc; then
echo "== gRPC load benchmark (GrpcLoadBenchmark against the packaged app)"
# one port: gRPC is served by the HTTP server (quarkus.grpc.server.use-separate-server=false)
read -r GRPC_PORT HTTP_PORT < <("${JAVA}" -cp "${CP}" io.cloudprovisioner.benchmark.FreePort 2)
# shellcheck disable=SC2086
"${JAVA}" ${APP_JAVA_OPTS:-} -Dquarkus.grpc.server.port="${GRPC_PORT}" -Dquarkus.http.port="${HTTP_PORT}" \
  -Dcloudprovisioner.data-dir="$(mktemp -d "$PWD/target/bench-ledger-XXXX")" \
  -jar target/quarkus-app/quarkus-run.jar >"${OUT}/app.log" 2>&1 &
APP_PID=$!
for i in $(seq 1 600); do            # at most 60 s
  if grep -q "started in" "${OUT}/app.log" 2>/dev/null; then break; fi
  if ! kill -0 "${APP_PID}" 2>/dev/null; then echo "app exited; see ${OUT}/app.log" >&2; exit 1; fi
  if [[ $i == 600 ]]; then echo "app not started within 60 s; see ${OUT}/app.log" >&2; exit 1; fi
  sleep 0.1
done
# Which server threads run the catalog RPCs' work: a thread dump every THREAD_SAMPLE_SECONDS (default 2) during
# the load; every thread with a frame of CatalogGrpcService / selection / the answer building is counted by its
# pool name (vert.x-eventloop-thread = the event loop; executor-thread = Quarkus's worker pool). Sampling pauses
# the server briefly (a few ms per dump) for all RPCs alike; THREAD_SAMPLE_SECONDS=0 turns it off.
JCMD=${JAVA_HOME:+$JAVA_HOME/bin/}jcmd
: >"${OUT}/catalog-threads.txt"
if [[ "${THREAD_SAMPLE_SECONDS:-2}" != 0 ]] && command -v "${JCMD}" >/dev/null; then
  ( while kill -0 "${APP_PID}" 2>/dev/null; do
      "${JCMD}" "${APP_PID}" Thread.print 2>/dev/null | awk '
        /^"/ { name = $1; seen = 0 }
        /^[ \t]+at io\.cloudprovisioner\.(api\.(CatalogGrpcService|SelectAnswer|OfferProtos)|selection\.)/ {
          if (!seen) { print name; seen = 1 } }' >>"${OUT}/catalog-threads.txt"
      sleep "${THREAD_SAMPLE_SECONDS:-2}"
    done ) &
  SAMPLER_PID=$!
fi
"${JAVA}" -Xms512m -Xmx512m -cp "${CP}" io.cloudprovisioner.benchmark.GrpcLoadBenchmark "127.0.0.1:${HTTP_PORT}" \
  --concurrency="${GRPC_CONCURRENCY:-64}" --channels="${GRPC_CHANNELS:-1}" --warmup-seconds="${GRPC_WARMUP:-5}" \
  --seconds="${GRPC_SECONDS:-10}" --rounds="${GRPC_ROUNDS:-3}" --ready-timeout-seconds=60 \
  --server-pid="${APP_PID}" | tee "${OUT}/grpc.txt"
THREADS_SEEN=$(sed -E 's/^"//; s/"$//; s/-[0-9]+$//' "${OUT}/catalog-threads.txt" | sort | uniq -c \
  | awk '{printf "%s%s:%s", sep, $2, $1; sep=","}')
echo "FIGURE grpc.catalog_work_thread_samples=${THREADS_SEEN:-none}" | tee -a "${OUT}/grpc.txt"
cleanup
[[ -n "${SAMPLER_PID:-}" ]] && wait "${SAMPLER_PID}" 2>/dev/null || true
APP_PID=
fi

if stage provisioning; then
echo "== provisioning benchmark (ProvisioningBenchmark: packaged app + DigitalOcean stand-in)"
"${JAVA}" -Xms512m -Xmx512m -cp "${CP}" io.cloudprovisioner.benchmark.ProvisioningBenchmark \
  --jar=target/quarkus-app/quarkus-run.jar --log-dir="${OUT}" --warmup="${PROV_WARMUP:-50}" \
  --provisions="${PROV_PROVISIONS:-200}" --concurrent="${PROV_CONCURRENT:-1000}" \
  --deadline-seconds="${PROV_DEADLINE:-120}" --poll-interval-ms="${PROV_POLL_MS:-20}" --timeout-seconds=60 \
  ${APP_JAVA_OPTS:+"--app-java-opts=${APP_JAVA_OPTS}"} ${PROV_APP_PROPS:+"--app-props=${PROV_APP_PROPS}"} \
  | tee "${OUT}/provisioning.txt"
fi

END=$(date +%s)
{
  echo
  echo "================================ FIGURES ================================"
  sed 's/^/  /' "${OUT}/machine.txt"
  echo "  load average after benchmarks: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "  wall time: build $((BUILD_END - START)) s, benchmarks $((END - BUILD_END)) s"
  grep -h '^FIGURE ' "${OUT}/inprocess.txt" "${OUT}/startup.txt" "${OUT}/grpc.txt" "${OUT}/provisioning.txt" \
    | sed 's/^FIGURE /  /'
  grep -h '^TARGET \|^NOTE ' "${OUT}/inprocess.txt" "${OUT}/grpc.txt" "${OUT}/provisioning.txt" | sed 's/^/  /' || true
  echo "  (gRPC ratios divide calls/s measured in the same round on the same server; absolute calls/s and"
  echo "  latencies depend on what else the machine runs: see the load averages above)"
  noisy=$(grep -c 'NOISY' "${OUT}/inprocess.txt" || true)
  if [[ "${noisy}" -gt 0 ]]; then
    echo "  WARNING: ${noisy} in-process runs had cpu/wall < 0.9: other processes took the cores, so wall-clock tails"
    echo "  and gRPC figures measure the machine's load, not the code; compare the oncpu_* figures and re-run on an"
    echo "  idle machine (load average before: ${LOAD_BEFORE})"
  fi
  echo "  (latencies in microseconds; in-process figures are medians over runs; full output in ${OUT}/)"
  echo "========================================================================="
} | tee "${OUT}/figures.txt"
