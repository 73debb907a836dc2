"""The process and the OS: systemd's notify socket and watchdog, journal log lines,
and keeping the process small."""
