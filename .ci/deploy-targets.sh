#!/usr/bin/env bash
# Real deployment targets for the deploy ITs (Maven profile deploy-it, tests *DeployIT), on this machine only:
#   - Debian packages: openssh-server, podman and what it needs rootful here (stack.md), busybox-static;
#   - a containers.conf of our own (runc, cgroupfs, file events, capped ulimits), given to podman through
#     CONTAINERS_CONF (the second sshd sets it for its sessions), so no system file is changed;
#   - a second sshd on 127.0.0.1:2222 with its own host keys and config (key-only, UsePAM no, StrictModes no), whose
#     only authorized key is a test key made here; the system's own sshd (if any) is never touched;
#   - a tiny local image localhost/cp-test:1 (busybox-static rootfs + podman import) serving /health over HTTP with
#     busybox httpd and writing each variable named in ECHO_VARS to /www/env/NAME (so a test can read the bytes);
# then runs only the deploy ITs (or, after "--", the command given), and stops the sshd it started (and removes its work directory) at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for c in sshd:openssh-server podman:podman busybox:busybox-static; do
    command -v "${c%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${c%%:*}" ] || need+=("${c#*:}")
done
if [ "${#need[@]}" -gt 0 ] || ! dpkg -s runc conmon catatonit >/dev/null 2>&1; then
    echo "== deploy targets: installing Debian packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server podman runc conmon \
        catatonit fuse-overlayfs slirp4netns uidmap containernetworking-plugins netavark aardvark-dns iptables \
        busybox-static >/dev/null
fi

WORK=$(mktemp -d /tmp/cp-deploy-it.XXXXXX)
SSHD_PID=""
cleanup() {
    if [ -n "$SSHD_PID" ] && kill -0 "$SSHD_PID" 2>/dev/null; then
        kill "$SSHD_PID" || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# podman, rootful, as it runs on these machines (stack.md "Real deployment targets")
cat > "$WORK/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$WORK/containers.conf"

# the second sshd: its own host key, config, pid file and log; one authorized key (the test key)
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh_host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C cp-deploy-it -f "$WORK/client_key"
cp "$WORK/client_key.pub" "$WORK/authorized_keys"
cat > "$WORK/sshd_config" <<CONF
Port 2222
ListenAddress 127.0.0.1
HostKey $WORK/ssh_host_ed25519_key
PidFile $WORK/sshd.pid
AuthorizedKeysFile $WORK/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
SetEnv CONTAINERS_CONF=$WORK/containers.conf
Subsystem sftp internal-sftp
CONF
/usr/sbin/sshd -f "$WORK/sshd_config" -E "$WORK/sshd.log"
for _ in $(seq 1 50); do [ -s "$WORK/sshd.pid" ] && break; sleep 0.1; done
SSHD_PID=$(cat "$WORK/sshd.pid")
echo "== deploy targets: sshd on 127.0.0.1:2222 (pid $SSHD_PID)"

# the test image: busybox-static, an HTTP health endpoint, and the env echoed into files
ROOT="$WORK/rootfs"
mkdir -p "$ROOT/bin" "$ROOT/www" "$ROOT/tmp" "$ROOT/run"
cp "$(command -v busybox)" "$ROOT/bin/busybox"
for a in sh httpd mkdir printf cat sleep env ls; do ln -s busybox "$ROOT/bin/$a"; done
printf 'ok\n' > "$ROOT/www/health"
cat > "$ROOT/bin/start" <<'START'
#!/bin/sh
mkdir -p /www/env
for n in $ECHO_VARS; do eval "printf %s \"\$$n\"" > "/www/env/$n"; done
exec httpd -f -p "${PORT:-8080}" -h /www
START
chmod 755 "$ROOT/bin/start"
tar -C "$ROOT" -cf "$WORK/rootfs.tar" .
podman import --quiet --change 'CMD ["/bin/start"]' "$WORK/rootfs.tar" localhost/cp-test:1 >/dev/null
echo "== deploy targets: image localhost/cp-test:1 built"

export CP_DEPLOY_IT_SSH_KEY="$WORK/client_key" CP_DEPLOY_IT_SSH_PORT=2222 CP_DEPLOY_IT_IMAGE=localhost/cp-test:1
if [ "${1:-}" = "--" ]; then
    shift
    "$@" # by hand: .ci/deploy-targets.sh -- ./mvnw -B verify -Pdeploy-it -Dit.test=BlueprintDeployIT
else
    echo "== deploy ITs: ./mvnw -B verify -Pdeploy-it"
    ./mvnw -B verify -Pdeploy-it
fi
