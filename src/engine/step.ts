/**
 * `--step`, as ansible-core's strategy `_take_step`: before a task starts
 * on any host the operator is asked; `no` skips it (no start event, no
 * result, not counted), `continue` runs it and every later task of the
 * batch without asking (ansible-core's strategy, and so its step flag,
 * lives for one batch). Meta tasks are not asked about, as in ansible-core.
 */
import type { PlayContext } from './context.js';

/** The batches (or plays, outside one) where the operator answered `continue`. */
const continued = new WeakSet<object>();

/** Whether the task may start: true without `--step`, else the operator's answer. */
export async function stepAllows(pc: PlayContext, name: string, handler = false): Promise<boolean> {
  const gate = pc.opts.step;
  const scope = pc.batch ?? pc;
  if (!gate || continued.has(scope) || pc.opts.control.stopping) return true;
  const label = `${handler ? 'HANDLER' : 'TASK'}: ${name}`;
  pc.opts.emit({ type: 'step.ask', label });
  const answer = await untilStopped(pc, gate(label));
  // A drain or kill while waiting: no answer; nothing new starts anyway.
  if (answer === undefined) return false;
  pc.opts.emit({ type: 'step.answer', label, answer });
  if (answer === 'continue') continued.add(scope);
  return answer !== 'no';
}

/** The answer, or undefined once the run is stopping (checked every 100 ms: a wait for a person). */
function untilStopped<T>(pc: PlayContext, p: Promise<T>): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (pc.opts.control.stopping) done(undefined);
    }, 100);
    const done = (v: T | undefined) => {
      clearInterval(timer);
      resolve(v);
    };
    p.then(done, () => done(undefined));
  });
}
