#!/bin/sh
# Boot an installed root with a real PID-1 systemd and check the service (test-install.sh).
#
# Usage: sh scripts/boot-test.sh ROOT LOGDIR
# Prints PASS/FAIL/INFO lines. Exit 0 when all passed, 1 when one failed, 77 when
# systemd-nspawn cannot boot here (the reason is the last line on stderr).
#
# Boot 1 (systemd-nspawn -b): the unit comes up active (running) with gpiozero's mock pins
# (a drop-in sets GPIOZERO_PIN_FACTORY=mock: the container has no GPIO chip), that is
# after READY=1, since the unit is Type=notify; SIGSTOP on the main process must end in
# a watchdog restart; `systemctl stop` must be clean and run ExecStopPost (`unslump
# blank`); then the container reboots. Boot 2: the unit is active again. A test unit
# inside the root does the checking and writes /var/log/unslump-boot-test.log.
#
# Under qemu-user the emulator, not the emulated program, makes the system calls and
# needs writable+executable memory for its JIT, so a second drop-in lifts
# MemoryDenyWriteExecute= and the system call filters for this test only. It also lifts
# PrivateNetwork=: qemu-user (7.2, Debian 12's) answers recvmsg() with no iovec on an
# empty socket with 0 instead of EAGAIN, so systemd's hand-over of the network namespace
# reads that as EIO and every start fails at step NETWORK (exit 225). The network stays
# closed by RestrictAddressFamilies=AF_UNIX and IPAddressDeny=any; the rest of the
# sandbox stays. Host PID 1 not systemd: --register=no --keep-unit.
set -eu

ROOT=${1:?usage: boot-test.sh ROOT LOGDIR}
LOGS=${2:?usage: boot-test.sh ROOT LOGDIR}
TIMEOUT_S=${UNSLUMP_BOOT_TIMEOUT:-420}
POLL_S=${UNSLUMP_BOOT_POLL_S:-5}  # how often a running container is looked at

skip() { echo "$*" >&2; exit 77; }
command -v systemd-nspawn >/dev/null 2>&1 ||
    skip "systemd-nspawn missing (apt-get install systemd-container)"

dropins=$ROOT/etc/systemd/system/unslump.service.d
mkdir -p "$dropins"
cat >"$dropins/boot-test-mock-pins.conf" <<'EOF'
# Written by scripts/boot-test.sh, removed after the test: no GPIO chip in a container.
[Service]
Environment=GPIOZERO_PIN_FACTORY=mock
EOF
# systemd 257 (Trixie) starts every unit through posix_spawn() of systemd-executor;
# under qemu-user 7.2 that fails with EINVAL, and the boot then stands still.
CANNOT_SPAWN="Failed to spawn executor"
credential_units=""
logind_masked=0
host_arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
root_arch=$(chroot "$ROOT" dpkg --print-architecture)
emulator=""
if [ "$host_arch" != "$root_arch" ]; then
    # test-install.sh names the emulator it registered; else it is the host's.
    # shellcheck disable=SC2016  # dpkg-query's format, not the shell's
    emulator=${UNSLUMP_EMULATOR:-"qemu-user $(dpkg-query -W -f='${Version}' qemu-user-static 2>/dev/null || echo "(version unknown)")"}
    cat >"$dropins/boot-test-qemu.conf" <<'EOF'
# Written by scripts/boot-test.sh, removed after the test: qemu-user needs W+X memory
# for its JIT and issues the host's system calls, so these cannot apply under emulation;
# its recvmsg() without an iovec returns 0 where Linux says EAGAIN, which fails
# PrivateNetwork='s namespace set-up (225/NETWORK). AF_UNIX only and IPAddressDeny=any
# still keep the network closed.
[Service]
MemoryDenyWriteExecute=no
SystemCallArchitectures=
SystemCallFilter=
PrivateNetwork=no
EOF
    echo "INFO boot: emulated ($root_arch on $host_arch): MemoryDenyWriteExecute=, the" \
        "system call filter and PrivateNetwork= (qemu-user's recvmsg) lifted for this boot only"
    # shellcheck disable=SC2016  # dpkg-query's format, not the shell's
    systemd_major=$(chroot "$ROOT" dpkg-query -W -f='${Version}' systemd 2>/dev/null | cut -d. -f1)
    if [ "${systemd_major:-0}" -ge 256 ] 2>/dev/null; then
        # systemd 256+ (Trixie's 257) under qemu-user 10.0: every mount namespace fails
        # ("Failed to set up mount namespacing: Invalid argument", 226/NAMESPACE), and so
        # does setting up a unit's credentials ("Failed to set up credentials: Invalid
        # argument": journald, sysusers, tmpfiles). For this boot only: the unit's
        # mount-namespace options are lifted (its other sandboxing stays), the stock units'
        # credential imports are emptied, so the journal runs, and logind, which restarts
        # for ever on its own namespace, is masked.
        printf '%s\n' "# systemd 256+ under qemu-user: no mount namespace can be set up (226/NAMESPACE)." \
            ProtectSystem=no ProtectHome=no PrivateTmp=no PrivateMounts=no \
            ProtectKernelTunables=no ProtectKernelModules=no ProtectKernelLogs=no \
            ProtectControlGroups=no ProtectProc=default ProtectHostname=no ProtectClock=no \
            >>"$dropins/boot-test-qemu.conf"
        # shellcheck disable=SC2013  # unit file names have no spaces
        for unit in $(grep -lE '^(ImportCredential|LoadCredential|SetCredential)' \
            "$ROOT"/usr/lib/systemd/system/*.service 2>/dev/null); do
            name=$(basename "$unit")
            mkdir -p "$ROOT/etc/systemd/system/$name.d"
            printf '%s\n' "# Written by scripts/boot-test.sh, removed after the test." \
                "[Service]" "ImportCredential=" "LoadCredential=" "SetCredential=" \
                >"$ROOT/etc/systemd/system/$name.d/boot-test-qemu-credentials.conf"
            credential_units="$credential_units $name"
        done
        if ! [ -e "$ROOT/etc/systemd/system/systemd-logind.service" ]; then
            ln -s /dev/null "$ROOT/etc/systemd/system/systemd-logind.service"
            logind_masked=1
        fi
        echo "INFO boot: systemd $systemd_major under qemu-user: the unit's mount namespace" \
            "(ProtectSystem=, ProtectHome=, PrivateTmp=, ...) and the stock units' credentials" \
            "lifted, logind masked, for this boot only (each fails with EINVAL under emulation)"
    fi
fi

cat >"$ROOT/usr/local/sbin/unslump-boot-test" <<'EOF'
#!/bin/sh
# Written by scripts/boot-test.sh: checks the unit under a real systemd, then reboots.
LOG=/var/log/unslump-boot-test.log
PHASE=/var/lib/unslump-boot-test-phase
say() { echo "$*" >>"$LOG"; }
prop() { systemctl show -p "$1" --value unslump.service; }
wait_active() {
    i=0
    while [ "$i" -lt "$1" ]; do
        [ "$(systemctl is-active unslump.service)" = active ] && return 0
        sleep 1
        i=$((i + 1))
    done
    return 1
}
ms() { echo $(( ($2 - $1) / 1000 )); }
if [ "$(cat "$PHASE" 2>/dev/null)" != 2 ]; then
    if wait_active 240; then
        say "PASS boot: unslump active (running) with mock pins, after READY=1 (Type=notify)"
        say "INFO boot: exec to READY $(ms "$(prop ExecMainStartTimestampMonotonic)" "$(prop ActiveEnterTimestampMonotonic)") ms under emulation; status: '$(prop StatusText)'"
    else
        # The rest needs a running unit: say why once and power off, rather than
        # waiting out the watchdog part against nothing.
        say "FAIL boot: unslump not active: $(systemctl status --no-pager -n 20 unslump 2>&1 | tr '\n' '|')"
        say "FAIL boot: watchdog, stop and reboot not tried (the unit never came up)"
        say "DONE"
        systemctl poweroff
        exit 0
    fi
    pid=$(prop MainPID)
    before=$(prop NRestarts)
    kill -STOP "$pid"
    new=$pid
    i=0
    while [ "$i" -lt 240 ]; do
        new=$(prop MainPID)
        if [ "$new" != "$pid" ] && [ "$new" != 0 ] &&
            [ "$(systemctl is-active unslump.service)" = active ]; then
            break
        fi
        sleep 1
        i=$((i + 1))
    done
    if [ "$new" != "$pid" ] && journalctl -u unslump --no-pager | grep -q "Watchdog timeout"; then
        say "PASS boot: watchdog restart after SIGSTOP (restarts $before -> $(prop NRestarts), active again)"
    else
        say "FAIL boot: no watchdog restart after SIGSTOP: $(journalctl -u unslump --no-pager | tail -n 8 | tr '\n' '|')"
    fi
    t0=$(date +%s%N)
    systemctl stop unslump.service
    t1=$(date +%s%N)
    post=$(systemctl show -p ExecStopPost unslump.service)
    result=$(prop Result)
    case $post in  # systemd 252 (Bookworm) prints "status=0 }", newer ones "status=0/0"
        *"status=0/0"* | *"code=exited ; status=0 }"*) say "PASS boot: clean stop in $(( (t1 - t0) / 1000000 )) ms (result $result), ExecStopPost 'unslump blank' exited 0" ;;
        *) say "FAIL boot: stop: result $result; ExecStopPost: $post" ;;
    esac
    lines=$(journalctl -b -u unslump --no-pager -o cat | wc -l)
    say "INFO boot: $lines journal lines from the unit in this boot (starts, watchdog, stop)"
    echo 2 >"$PHASE"
    systemctl reboot
else
    if wait_active 240; then
        say "PASS boot: unslump started again after a reboot of the container"
    else
        say "FAIL boot: unslump not active after the reboot: $(systemctl status --no-pager -n 20 unslump 2>&1 | tr '\n' '|')"
    fi
    say "DONE"
    systemctl poweroff
fi
EOF
chmod 0755 "$ROOT/usr/local/sbin/unslump-boot-test"
cat >"$ROOT/etc/systemd/system/unslump-boot-test.service" <<'EOF'
[Unit]
Description=Unslump boot test (scripts/boot-test.sh)
After=multi-user.target
[Service]
Type=simple
ExecStart=/usr/local/sbin/unslump-boot-test
[Install]
WantedBy=multi-user.target
EOF
ln -sfn /etc/systemd/system/unslump-boot-test.service \
    "$ROOT/etc/systemd/system/multi-user.target.wants/unslump-boot-test.service"
rm -f "$ROOT/var/log/unslump-boot-test.log" "$ROOT/var/lib/unslump-boot-test-phase"
[ -s "$ROOT/etc/machine-id" ] || chroot "$ROOT" systemd-machine-id-setup >/dev/null 2>&1 || true

# Boot the root once; a container that has not powered off or rebooted after TIMEOUT_S
# is ended: its init (nspawn's child; in its own PID namespace, so the rest goes with
# it) gets KILL, then nspawn. Sets rc to nspawn's exit status (137 when ended) and
# ended=1 when it had to be ended.
boot() {
    # The machine is named by its architecture, so two runs (arm64, armhf) can boot at once.
    # A host with cgroup v1 mounted (hybrid) would give the container v1, which systemd
    # 256+ (Trixie) refuses; ask for the unified hierarchy. --console=read-only gives the
    # container a /dev/console whose output lands in the log (with =pipe there is none,
    # and systemd's own messages before journald runs are lost).
    SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 systemd-nspawn --quiet --boot --directory="$ROOT" \
        --register=no --keep-unit --console=read-only --private-network \
        --machine="unslump-boot-test-$root_arch" </dev/null >"$LOGS/boot-$1.log" 2>&1 &
    nspawn=$!
    booted=$(date +%s)
    waited=0
    while kill -0 "$nspawn" 2>/dev/null && [ "$waited" -lt "$TIMEOUT_S" ]; do
        # A systemd that cannot spawn its units never will: no need to wait it out.
        grep -q "$CANNOT_SPAWN" "$LOGS/boot-$1.log" 2>/dev/null && break
        sleep "$POLL_S"
        waited=$(( $(date +%s) - booted ))
    done
    ended=0
    if kill -0 "$nspawn" 2>/dev/null; then
        ended=1
        for init in $(ps -o pid= --ppid "$nspawn"); do
            kill -KILL "$init" 2>/dev/null || true
        done
        sleep 2
        kill -KILL "$nspawn" 2>/dev/null || true
    fi
    rc=0
    wait "$nspawn" || rc=$?
}

# shellcheck disable=SC2317  # run by the trap
cleanup() {
    rm -f "$dropins/boot-test-mock-pins.conf" "$dropins/boot-test-qemu.conf" \
        "$ROOT/usr/local/sbin/unslump-boot-test" \
        "$ROOT/etc/systemd/system/unslump-boot-test.service" \
        "$ROOT/etc/systemd/system/multi-user.target.wants/unslump-boot-test.service"
    rmdir "$dropins" 2>/dev/null || true
    for name in $credential_units; do
        rm -f "$ROOT/etc/systemd/system/$name.d/boot-test-qemu-credentials.conf"
        rmdir "$ROOT/etc/systemd/system/$name.d" 2>/dev/null || true
    done
    if [ "$logind_masked" = 1 ]; then
        rm -f "$ROOT/etc/systemd/system/systemd-logind.service"
    fi
}
trap cleanup EXIT

start=$(date +%s)
boot 1
if ! [ -s "$ROOT/var/log/unslump-boot-test.log" ]; then
    tail -n 15 "$LOGS/boot-1.log" >&2
    # The reason: systemd's first line saying it cannot spawn, else the console's last
    # line, leaving out nspawn's own notices (its ending, and the propagation directory
    # it cannot remove when the host's PID 1 is not systemd).
    console=$(sed 's/\x1b\[[0-9;:?]*[A-Za-z]//g; s/\x1b\][^\x07]*\x07//g' "$LOGS/boot-1.log" |
        tr -d '\r' | grep -v -e '^[[:space:]]*$' -e 'propagate/unslump-boot-test' \
            -e '^Container unslump-boot-test[-a-z0-9]* ' || true)
    why=$(printf '%s\n' "$console" | grep -m 1 "$CANNOT_SPAWN" || true)
    [ -n "$why" ] && why="'$why' (every unit alike${emulator:+, under $emulator})"
    [ -n "$why" ] || why=$(printf '%s\n' "$console" | tail -n 1)
    why=$(printf '%s' "$why" | cut -c 1-240)
    # shellcheck disable=SC2016  # dpkg-query's format, not the shell's
    systemd=$(chroot "$ROOT" dpkg-query -W -f='${Version}' systemd 2>/dev/null || echo "?")
    if [ "$ended" = 1 ] && grep -q "$CANNOT_SPAWN" "$LOGS/boot-1.log"; then
        skip "systemd-nspawn booted the root's systemd $systemd, which cannot start units" \
            "here: $why; ended after $waited s ($LOGS/boot-1.log)"
    elif [ "$ended" = 1 ]; then
        skip "systemd-nspawn booted the root's systemd $systemd, which ran no unit within" \
            "$waited s, so it was ended: ${why:-no console output} ($LOGS/boot-1.log)"
    fi
    skip "systemd-nspawn exited with status $rc after $(( $(date +%s) - start )) s before the" \
        "root's systemd $systemd ran any unit: ${why:-no console output} ($LOGS/boot-1.log)"
fi
if [ "$rc" = 133 ]; then  # nspawn's exit status when the container asked to reboot
    boot 2
fi
echo "INFO boot: two boots took $(( $(date +%s) - start )) s under emulation"
cp "$ROOT/var/log/unslump-boot-test.log" "$LOGS/boot-test.log"
rm -f "$ROOT/var/log/unslump-boot-test.log" "$ROOT/var/lib/unslump-boot-test-phase"
grep -v '^DONE' "$LOGS/boot-test.log"
failed=0
if ! grep -q '^DONE' "$LOGS/boot-test.log"; then
    echo "FAIL boot: the second boot did not finish (nspawn exit $rc; see $LOGS/boot-2.log)"
    failed=1
fi
grep -q '^FAIL' "$LOGS/boot-test.log" && failed=1
exit "$failed"
