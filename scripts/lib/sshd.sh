# A private OpenSSH server for the tests: 127.0.0.1 only, key authentication only, generated host and
# user keys, and a login whose PATH holds the GPU node simulator, so tests probe it through real SSH.
# Sourced after services.sh (scripts/test), or alone: load common.sh only once, it resets its state.
# shellcheck source=common.sh
declare -F apt_install >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The dedicated login when we are root; otherwise sshd runs as us and can only log us in.
TEST_SSH_DEDICATED_USER="cabinet-probe"
# Set by ensure_test_sshd: what the tests connect with, and whether this run started the server.
TEST_SSH_USER=""
TEST_SSH_KEY=""
TEST_SSH_HOST_KEY_SHA256=""
TEST_SSH_SCRATCH=""
SSHD_STARTED_HERE=0

# Runs a command as USER (root only), like as_pg_user.
as_test_user() { # USER COMMAND...
  local user="$1" quoted
  shift
  printf -v quoted '%q ' "$@"
  su "$user" -s /bin/sh -c "$quoted"
}

sshd_answers() { # PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

sshd_running() { # DIR: true when the sshd recorded in DIR/sshd.pid is alive
  local pid
  pid="$(cat "$1/sshd.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q sshd "/proc/$pid/comm" 2>/dev/null
}

# Installs openssh-server without letting its maintainer scripts start the system's sshd on port 22.
install_openssh_server() {
  local policy=/usr/sbin/policy-rc.d added=0
  if is_root && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && added=1
  fi
  local status=0
  (apt_install openssh-server) || status=$?
  [ "$added" = 1 ] && rm -f "$policy"
  [ "$status" = 0 ] || die "installing openssh-server failed"
}

# The probe user must reach the simulator and node through the checkout's parent folders; a folder
# it cannot enter (e.g. /root, 0700 on Debian) gets the search bit for others, never the read bit.
grant_traverse() { # USER DIR
  local user="$1" dir="$2" path="" part parts
  as_test_user "$user" test -x "$dir" && return 0
  IFS='/' read -ra parts <<<"${dir#/}"
  for part in "" "${parts[@]}"; do
    path="${path%/}/$part"
    [ -d "$path" ] || return 0
    if ! as_test_user "$user" test -x "$path"; then
      log "letting $user enter $path (chmod o+x) so it can run the simulator over SSH"
      chmod o+x "$path"
    fi
  done
}

ensure_test_ssh_user() { # DIR PUBLIC_KEY_FILE
  local dir="$1" pub="$2" user="$TEST_SSH_DEDICATED_USER" home
  if ! id -u "$user" >/dev/null 2>&1; then
    log "creating the local user $user for the SSH tests"
    useradd -m -s /bin/sh -c "Cabinet SSH test probe" "$user"
  fi
  # useradd leaves the password locked ("!"), and without PAM sshd refuses locked accounts even for
  # keys; "*" means no password can match, without locking.
  [ "$(getent shadow "$user" | cut -d: -f2)" = '*' ] || usermod -p '*' "$user"
  home="$(getent passwd "$user" | cut -d: -f6)"
  # sshd reads authorized_keys as the user, so it lives in the user's home, not in the checkout.
  install -d -m 700 -o "$user" -g "$user" "$home/.ssh"
  install -m 600 -o "$user" -g "$user" "$pub" "$home/.ssh/authorized_keys"
  # A folder both the tests (root) and the probe user can write, e.g. for simulator state.
  install -d -m 1777 "$dir/scratch"
  grant_traverse "$user" "$ROOT"
  grant_traverse "$user" "$(dirname "$(command -v node)")"
  grant_traverse "$user" "$dir/scratch"
}

write_sshd_config() { # DIR PORT AUTHORIZED_KEYS_FILE
  local dir="$1" port="$2" keys="$3" path="" entry
  # The simulator first, so its nvidia-smi and dcgmi win over real ones; then this node.js.
  for entry in "$ROOT/packages/gpu-sim/bin" "$(dirname "$(command -v node)")" /usr/local/bin /usr/bin /bin; do
    case ":$path:" in *":$entry:"*) ;; *) path="${path:+$path:}$entry" ;; esac
  done
  case "$path$dir" in *'"'*) die "the checkout path must not contain a double quote: $ROOT" ;; esac
  cat >"$dir/sshd_config.new" <<EOF
# Written by scripts/lib/sshd.sh for the tests; regenerated on every run.
ListenAddress 127.0.0.1
Port $port
HostKey "$dir/ssh_host_ed25519_key"
PidFile "$dir/sshd.pid"
AuthorizedKeysFile "$keys"
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
UsePAM no
StrictModes no
PermitUserEnvironment no
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
LogLevel VERBOSE
MaxSessions 32
MaxStartups 64:30:128
SetEnv "PATH=$path"
AcceptEnv GPU_SIM_*
EOF
  mv "$dir/sshd_config.new" "$dir/sshd_config"
}

# ensure_test_sshd DIR PORT: starts (if needed) the test sshd on 127.0.0.1:PORT with its keys in DIR.
# Sets TEST_SSH_USER, TEST_SSH_KEY, TEST_SSH_HOST_KEY_SHA256, TEST_SSH_SCRATCH and SSHD_STARTED_HERE.
ensure_test_sshd() {
  local dir="$1" port="$2" keys
  [ -x /usr/sbin/sshd ] || install_openssh_server
  command -v ssh-keygen >/dev/null 2>&1 || install_openssh_server
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd -P)"
  chmod 755 "$dir"
  [ -f "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C cabinet-test-host -f "$dir/ssh_host_ed25519_key"
  [ -f "$dir/user_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C cabinet-test-user -f "$dir/user_ed25519_key"
  chmod 600 "$dir/ssh_host_ed25519_key" "$dir/user_ed25519_key"
  if is_root; then
    ensure_test_ssh_user "$dir" "$dir/user_ed25519_key.pub"
    TEST_SSH_USER="$TEST_SSH_DEDICATED_USER"
    keys=".ssh/authorized_keys"
    # sshd's privilege separation needs its empty chroot folder (Debian creates it at boot, not at install).
    mkdir -p /run/sshd && chmod 755 /run/sshd
  else
    # Not root: sshd can only log in the user it runs as, with keys from a file we own.
    TEST_SSH_USER="$(id -un)"
    install -d -m 1777 "$dir/scratch"
    cp "$dir/user_ed25519_key.pub" "$dir/authorized_keys"
    keys="$dir/authorized_keys"
  fi
  TEST_SSH_KEY="$dir/user_ed25519_key"
  TEST_SSH_SCRATCH="$dir/scratch"
  TEST_SSH_HOST_KEY_SHA256="$(ssh-keygen -l -E sha256 -f "$dir/ssh_host_ed25519_key.pub" | cut -d' ' -f2)"

  local before=""
  [ -f "$dir/sshd_config" ] && before="$(cat "$dir/sshd_config")"
  write_sshd_config "$dir" "$port" "$keys"
  /usr/sbin/sshd -t -f "$dir/sshd_config" || die "the test sshd_config is invalid: see $dir/sshd_config"
  if sshd_running "$dir"; then
    # Left running by an earlier run: keep it when its configuration is the one we would write.
    if [ "$before" = "$(cat "$dir/sshd_config")" ] && sshd_answers "$port"; then return 0; fi
    stop_test_sshd "$dir"
  fi
  sshd_answers "$port" && die "port $port is taken by something else: the SSH tests need it (scripts/test: set CABINET_TEST_SSH_PORT)"
  log "starting the test sshd on 127.0.0.1:$port (user $TEST_SSH_USER)"
  /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log" || die "the test sshd failed to start: see $dir/sshd.log"
  for _ in $(seq 1 50); do
    if sshd_answers "$port"; then
      SSHD_STARTED_HERE=1
      return 0
    fi
    sleep 0.1
  done
  die "the test sshd does not answer on 127.0.0.1:$port: see $dir/sshd.log"
}

stop_test_sshd() { # DIR
  local dir="$1" pid
  sshd_running "$dir" || return 0
  pid="$(cat "$dir/sshd.pid")"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  rm -f "$dir/sshd.pid"
}
