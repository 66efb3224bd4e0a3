"""The one base class of Vitrina's Celery tasks.

Every app's tasks are thin (they take ids and call services) and use ``VitrinaTask``::

    @app.task(base=VitrinaTask, name="vitrina.something", ignore_result=True)
    def something_task(thing_id: int) -> None: ...

A task is acknowledged only when it is done and given back to the queue if its worker dies,
so each task must be safe to run again (publishing runs a variant only under its own claim,
an import finds its run no longer queued, a poll stores events under a unique key).
"""

from celery import Task
from django.db import close_old_connections


class VitrinaTask(Task):
    """Acknowledged when done, redelivered on worker loss, with fresh database connections.

    A worker refreshes stale connections around each task. Run eagerly (no broker: the
    embedded default, the tests) a task shares its caller's connection, which must stay
    open — a web request or a test transaction is still using it.
    """

    acks_late = True
    reject_on_worker_lost = True

    def before_start(self, task_id, args, kwargs):
        if not self.request.is_eager:
            close_old_connections()

    def after_return(self, status, retval, task_id, args, kwargs, einfo):
        if not self.request.is_eager:
            close_old_connections()
