"""Celery beat's default PersistentScheduler plus a heartbeat for the liveness probe.

Beat ticks at least every beat_max_loop_interval seconds; each tick touches the heartbeat file.
"""
from celery.beat import PersistentScheduler

import rightsize_celery_probes as _probes


class HeartbeatScheduler(PersistentScheduler):
    def tick(self, *args, **kwargs):
        _probes.touch(_probes.HEARTBEAT)
        return super().tick(*args, **kwargs)
