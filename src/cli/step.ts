/**
 * `--step`'s answers. The engine asks through a `StepGate`; here the
 * answers come from the TUI's y/n/c keys (`answer`) or, in plain and json
 * mode, from standard input one line at a time, as ansible-core's prompt
 * reads them (a terminal or piped answers alike; an empty line is No).
 */
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import type { StepAnswer } from '../events/index.js';
import type { StepGate } from '../engine/index.js';

/** ansible-core's reading of an answer: y/yes, c/continue, anything else No. */
export function parseStepAnswer(line: string): StepAnswer {
  const a = line.trim().toLowerCase();
  if (a === 'y' || a === 'yes') return 'yes';
  if (a === 'c' || a === 'continue') return 'continue';
  return 'no';
}

/** The gate the engine awaits, and the one way to answer its open question. */
export class StepAnswers {
  private pending?: (a: StepAnswer) => void;

  readonly gate: StepGate = () =>
    new Promise<StepAnswer>((resolve) => {
      this.pending = resolve;
    });

  /** Whether a question is open. */
  get asking(): boolean {
    return this.pending !== undefined;
  }

  /** Answers the open question; nothing when none is open. */
  answer(a: StepAnswer): void {
    const p = this.pending;
    this.pending = undefined;
    p?.(a);
  }
}

/**
 * A gate fed by `input`'s lines: a line answers the open question or waits
 * for the next one. When the input ends, the question that cannot be
 * answered calls `onEnd` (the CLI drains the run: nothing can go on).
 */
export function lineGate(input: Readable, onEnd: (label: string) => void): { gate: StepGate; close: () => void } {
  const lines: string[] = [];
  let ended = false;
  let waiting: { label: string; resolve: (a: StepAnswer) => void } | undefined;
  const rl = readline.createInterface({ input, terminal: false });
  rl.on('line', (line) => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w.resolve(parseStepAnswer(line));
    } else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    if (waiting) onEnd(waiting.label);
  });
  const gate: StepGate = (label) =>
    new Promise<StepAnswer>((resolve) => {
      const line = lines.shift();
      if (line !== undefined) return resolve(parseStepAnswer(line));
      waiting = { label, resolve };
      if (ended) onEnd(label);
    });
  return { gate, close: () => rl.close() };
}
