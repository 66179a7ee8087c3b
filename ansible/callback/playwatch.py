# playwatch's callback plugin for ansible-core (2.12 and later): every play,
# task start, host start and result (per loop item too), retry, async poll and
# the final stats as one JSON object a line, named like playwatch's own
# events. Written to the file descriptor PLAYWATCH_CALLBACK_FD, else the file
# named by PLAYWATCH_CALLBACK_OUT, else stdout. The parity suite reads it; the
# `--engine ansible` runner (src/ansible/) turns the same lines into
# playwatch's events.
#
# Control (the `--engine ansible` runner): PLAYWATCH_CONTROL names a file
# holding one word, read at each task start: `pause` holds the task until the
# word changes; `drain` starts no more tasks (tasks in flight finish) and ends
# the run as ansible-core's own termination does.
#
# Shipped in the package (ansible/callback/): enable with
#   ANSIBLE_CALLBACK_PLUGINS=<pkg>/ansible/callback ANSIBLE_CALLBACKS_ENABLED=playwatch
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = '''
    name: playwatch
    type: notification
    short_description: JSON lines of task and host events for playwatch
    description:
      - Writes one JSON object a line for each play, task, host result and the final stats.
    requirements:
      - enable in configuration
'''

import json
import os
import sys
import threading
import time

from ansible import __version__ as ANSIBLE_VERSION
from ansible.module_utils.common.text.converters import to_text
from ansible.parsing.ajson import AnsibleJSONEncoder
from ansible.plugins.callback import CallbackBase


def _frame_self(kind):
    """The nearest caller whose `self` has class name `kind` (ansible-core hands callbacks no handle on its executor)."""
    f = sys._getframe(1)
    while f is not None:
        obj = f.f_locals.get('self')
        if obj is not None and type(obj).__name__ == kind:
            return obj, f
        f = f.f_back
    return None, None


def _frame_with(attr):
    """The nearest caller whose `self` has `attr` (a strategy: its `_queue_task`)."""
    f = sys._getframe(1)
    while f is not None:
        obj = f.f_locals.get('self')
        if obj is not None and hasattr(obj, attr) and hasattr(obj, '_tqm'):
            return obj
        f = f.f_back
    return None


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'notification'
    CALLBACK_NAME = 'playwatch'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        fd = os.environ.get('PLAYWATCH_CALLBACK_FD')
        path = os.environ.get('PLAYWATCH_CALLBACK_OUT')
        if fd:
            self._out = os.fdopen(int(fd), 'w')
        else:
            self._out = open(path, 'a') if path else sys.stdout
        self._control = os.environ.get('PLAYWATCH_CONTROL')
        self._lock = threading.Lock()
        self._draining = False
        self._rescued = {}
        # The runner knows the plugin loaded from this line (no line within seconds: an error, not a hang).
        self._emit({'type': 'hello', 'ansible': ANSIBLE_VERSION, 'pid': os.getpid()})

    def _emit(self, event):
        event['wall'] = time.time()
        line = json.dumps(event, cls=AnsibleJSONEncoder, sort_keys=False) + '\n'
        with self._lock:
            self._out.write(line)
            self._out.flush()

    def _task_ref(self, task):
        # The name without the 'role : ' prefix ansible-core's get_name() adds: the role is its own field.
        role = task._role.get_name() if task._role else None
        name = task.get_name().strip()
        if role and name.startswith(role + ' : '):
            name = name[len(role) + 3:]
        ref = {'name': name, 'role': role, 'action': task.action, 'path': task.get_path(), 'uuid': task._uuid}
        async_val = getattr(task, 'async_val', 0) or 0
        if async_val:
            ref['async'] = async_val
            ref['poll'] = task.poll
        if task.no_log:
            ref['noLog'] = True
        return ref

    def _result(self, result):
        data = dict((k, v) for k, v in result._result.items() if not k.startswith('_ansible_') or k in ('_ansible_item_label', '_ansible_no_log'))
        return data

    def _host_event(self, kind, result, **extra):
        event = {'type': kind, 'host': result._host.get_name(), 'task': self._task_ref(result._task), 'result': self._result(result)}
        delegated = result._result.get('_ansible_delegated_vars')
        if delegated:
            event['delegate'] = delegated.get('ansible_host')
        event.update(extra)
        self._emit(event)

    # Control: read at each task start, the one moment ansible-core asks its callbacks before queueing work.

    def _word(self):
        if not self._control:
            return ''
        try:
            with open(self._control) as f:
                return f.read().strip()
        except (IOError, OSError):
            return ''

    def _hold(self):
        """True when the task may start: waits out a pause; on a drain, stops the run instead."""
        if self._draining:
            return False
        word = self._word()
        while word == 'pause':
            time.sleep(0.1)
            word = self._word()
        if word in ('drain', 'kill'):
            self._drain()
            return False
        return True

    def _drain(self):
        """No new task starts; tasks in flight finish; the run then ends as ansible-core's termination ends it."""
        self._draining = True
        strategy = _frame_with('_queue_task')
        if strategy is None:
            return
        blocked = getattr(strategy, '_blocked_hosts', {})

        def skip(host, task, task_vars, play_context):
            # The free strategy blocked the host for this task: free it, or the loop waits for a result that never comes.
            blocked.pop(host.get_name(), None)
        strategy._queue_task = skip
        tqm = strategy._tqm

        def terminate_when_idle():
            while getattr(strategy, '_pending_results', 0) > 0:
                time.sleep(0.05)
            tqm._terminated = True
        if getattr(strategy, '_pending_results', 0) > 0:
            t = threading.Thread(target=terminate_when_idle)
            t.daemon = True
            t.start()
        else:
            tqm._terminated = True
        self._emit({'type': 'drained'})

    def v2_playbook_on_start(self, playbook):
        # Every host a play of the playbook targets (after --limit), for the run's first event.
        hosts = []
        executor, _ = _frame_self('PlaybookExecutor')
        inventory = getattr(executor, '_inventory', None)
        try:
            for play in playbook.get_plays():
                pattern = play.hosts
                text = pattern if isinstance(pattern, str) else ','.join(pattern or [])
                if inventory is None or '{{' in text:
                    continue
                for h in inventory.get_hosts(pattern):
                    if h.get_name() not in hosts:
                        hosts.append(h.get_name())
        except Exception:
            pass
        self._emit({'type': 'playbook.start', 'hosts': hosts})

    def v2_playbook_on_play_start(self, play):
        if self._draining:
            return
        event = {'type': 'play.start', 'name': play.get_name().strip(), 'uuid': play._uuid}
        executor, frame = _frame_self('PlaybookExecutor')
        if frame is not None:
            loc = frame.f_locals
            batches = loc.get('batches') or []
            batch = loc.get('batch') or []
            event['index'] = max(0, loc.get('i', 1) - 1)
            event['total'] = len(loc.get('plays') or [])
            event['hosts'] = [h.get_name() for b in batches for h in b]
            event['batch'] = next((n for n, b in enumerate(batches) if b is batch), 0)
            event['batches'] = len(batches)
            event['batchHosts'] = [h.get_name() for h in batch]
        self._emit(event)

    def v2_playbook_on_no_hosts_matched(self):
        self._emit({'type': 'notice', 'message': 'no hosts matched the play'})

    def v2_playbook_on_task_start(self, task, is_conditional):
        if self._hold():
            self._emit({'type': 'task.start', 'task': self._task_ref(task)})

    def v2_playbook_on_handler_task_start(self, task):
        if self._hold():
            self._emit({'type': 'handler.start', 'task': self._task_ref(task)})

    def v2_runner_on_start(self, host, task):
        self._emit({'type': 'runner.start', 'host': host.get_name(), 'task': self._task_ref(task)})

    def v2_runner_on_ok(self, result):
        self._host_event('host.ok', result, changed=bool(result._result.get('changed', False)))

    def _was_rescued(self, host):
        # ansible-core counts a failure a rescue handles as 'rescued' just before this callback.
        tqm, _ = _frame_self("TaskQueueManager")
        if tqm is None:
            return False
        n = tqm._stats.rescued.get(host, 0)
        seen = self._rescued.get(host, 0)
        self._rescued[host] = n
        return n > seen

    def v2_runner_on_failed(self, result, ignore_errors=False):
        extra = {'ignored': bool(ignore_errors)}
        if not ignore_errors and self._was_rescued(result._host.get_name()):
            extra['rescued'] = True
        self._host_event('host.failed', result, **extra)

    def v2_runner_on_skipped(self, result):
        self._host_event('host.skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._host_event('host.unreachable', result, ignored=bool(getattr(result._task, 'ignore_unreachable', False)))

    def _item(self, result):
        # As ansible-core's default callback prints it: `(item=%s)`, Python's str() of the label.
        return to_text(self._get_item_label(result._result))

    def v2_runner_item_on_ok(self, result):
        self._host_event('item.ok', result, changed=bool(result._result.get('changed', False)), item=self._item(result))

    def v2_runner_item_on_failed(self, result):
        self._host_event('item.failed', result, item=self._item(result))

    def v2_runner_item_on_skipped(self, result):
        self._host_event('item.skipped', result, item=self._item(result))

    def v2_runner_retry(self, result):
        self._host_event('retry', result, attempts=result._result.get('attempts', 0), retries=result._result.get('retries', 0))

    # The poll's task is ansible-core's own async_status stand-in: the runner knows the host's task.
    def v2_runner_on_async_poll(self, result):
        self._emit({'type': 'async.poll', 'host': result._host.get_name(), 'result': self._result(result)})

    def v2_runner_on_async_ok(self, result):
        self._host_event('async.ok', result)

    def v2_runner_on_async_failed(self, result):
        self._host_event('async.failed', result)

    def v2_playbook_on_include(self, included_file):
        for host in included_file._hosts:
            self._emit({'type': 'include', 'host': host.get_name(), 'file': included_file._filename})

    def v2_playbook_on_stats(self, stats):
        hosts = {}
        for h in sorted(stats.processed.keys()):
            s = stats.summarize(h)
            hosts[h] = dict((k, s.get(k, 0)) for k in ('ok', 'changed', 'unreachable', 'failures', 'skipped', 'rescued', 'ignored'))
        self._emit({'type': 'stats', 'hosts': hosts, 'custom': getattr(stats, 'custom', {}) or {}})
