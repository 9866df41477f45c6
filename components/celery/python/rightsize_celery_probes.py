"""Probes for rightsize's Celery pods that neither import the app nor ask the broker.

`celery inspect ping` imports the whole app on every probe and fails whenever the broker blips, which
restarts every worker at once. Instead the worker touches a heartbeat file from its event loop (the
heartbeat_sent signal, every 2 s while connected; beat: every scheduler tick) and a ready file once it
consumes; the probes only read those files.

    python3 -S @PROBES_PATH@ readiness
    python3 -S @PROBES_PATH@ liveness <max heartbeat age in seconds>
"""
import os
import socket
import sys
import time

STATE_DIR = "@STATE_DIR@"
HEARTBEAT = os.path.join(STATE_DIR, "heartbeat")
READY = os.path.join(STATE_DIR, "ready")
BROKER = ("@BROKER_HOST@", "@BROKER_PORT@")


def touch(path):
    try:
        with open(path, "a"):
            pass
        os.utime(path, None)
    except OSError:
        pass  # no state dir (web pods load the module too): nothing to record


def remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _reset(**kwargs):
    # The emptyDir outlives a container restart: drop the previous container's files.
    remove(READY)
    remove(HEARTBEAT)


def _ready(**kwargs):
    touch(HEARTBEAT)
    touch(READY)


def _heartbeat(**kwargs):
    touch(HEARTBEAT)


def _stopping(**kwargs):
    remove(READY)


def _beat_started(**kwargs):
    _reset()
    _ready()


def install():
    """Connects the signal handlers; rightsize_celeryconfig calls it when Celery loads the settings."""
    from celery import signals

    signals.celeryd_init.connect(_reset, weak=False)
    signals.worker_ready.connect(_ready, weak=False)
    signals.heartbeat_sent.connect(_heartbeat, weak=False)
    signals.worker_shutting_down.connect(_stopping, weak=False)
    signals.beat_init.connect(_beat_started, weak=False)


def broker_reachable(timeout=2.0):
    try:
        socket.create_connection(BROKER, timeout=timeout).close()
        return True
    except OSError:
        return False


def liveness(max_age):
    try:
        age = time.time() - os.stat(HEARTBEAT).st_mtime
    except OSError:
        age = None
    if age is not None and age <= max_age:
        return 0
    seen = "missing" if age is None else "%d s old" % age
    if not broker_reachable():
        # Waiting for the broker is not being stuck: a restart would not bring it back and would kill
        # the running tasks, so the probe passes until the broker answers again.
        print("heartbeat %s, but broker %s:%d is unreachable: waiting for it" % ((seen,) + BROKER))
        return 0
    print("heartbeat %s (limit %d s) while the broker answers: the worker is stuck" % (seen, max_age))
    return 1


def readiness():
    if os.path.exists(READY):
        return 0
    print("not ready: %s is missing (not consuming yet, or shutting down)" % READY)
    return 1


def main(argv):
    if len(argv) == 2 and argv[1] == "readiness":
        return readiness()
    if len(argv) == 3 and argv[1] == "liveness":
        return liveness(float(argv[2]))
    sys.stderr.write("usage: %s readiness | liveness <max age seconds>\n" % argv[0])
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
