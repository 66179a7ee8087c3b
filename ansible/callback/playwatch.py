# playwatch's callback plugin for ansible-core 2.14: every task start, host
# result (per loop item too) and the final stats as one JSON object a line,
# named like playwatch's own events, written to the file named by
# PLAYWATCH_CALLBACK_OUT (stdout when unset). The parity suite reads it; the
# `--engine ansible` runner turns the same lines into playwatch's events.
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
import time

from ansible.parsing.ajson import AnsibleJSONEncoder
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'notification'
    CALLBACK_NAME = 'playwatch'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        path = os.environ.get('PLAYWATCH_CALLBACK_OUT')
        self._out = open(path, 'a') if path else sys.stdout
        self._task = None

    def _emit(self, event):
        event['wall'] = time.time()
        self._out.write(json.dumps(event, cls=AnsibleJSONEncoder, sort_keys=False) + '\n')
        self._out.flush()

    def _task_ref(self, task):
        # The name without the 'role : ' prefix ansible-core's get_name() adds: the role is its own field.
        role = task._role.get_name() if task._role else None
        name = task.get_name().strip()
        if role and name.startswith(role + ' : '):
            name = name[len(role) + 3:]
        return {'name': name, 'role': role, 'action': task.action, 'path': task.get_path()}

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

    def v2_playbook_on_play_start(self, play):
        self._emit({'type': 'play.start', 'name': play.get_name().strip()})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._emit({'type': 'task.start', 'task': self._task_ref(task)})

    def v2_playbook_on_handler_task_start(self, task):
        self._emit({'type': 'handler.start', 'task': self._task_ref(task)})

    def v2_runner_on_ok(self, result):
        self._host_event('host.ok', result, changed=bool(result._result.get('changed', False)))

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._host_event('host.failed', result, ignored=bool(ignore_errors))

    def v2_runner_on_skipped(self, result):
        self._host_event('host.skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._host_event('host.unreachable', result)

    def _item(self, result):
        return self._get_item_label(result._result)

    def v2_runner_item_on_ok(self, result):
        self._host_event('item.ok', result, changed=bool(result._result.get('changed', False)), item=self._item(result))

    def v2_runner_item_on_failed(self, result):
        self._host_event('item.failed', result, item=self._item(result))

    def v2_runner_item_on_skipped(self, result):
        self._host_event('item.skipped', result, item=self._item(result))

    def v2_playbook_on_include(self, included_file):
        for host in included_file._hosts:
            self._emit({'type': 'include', 'host': host.get_name(), 'file': included_file._filename})

    def v2_playbook_on_stats(self, stats):
        hosts = {}
        for h in sorted(stats.processed.keys()):
            s = stats.summarize(h)
            hosts[h] = dict((k, s.get(k, 0)) for k in ('ok', 'changed', 'unreachable', 'failures', 'skipped', 'rescued', 'ignored'))
        self._emit({'type': 'stats', 'hosts': hosts})
