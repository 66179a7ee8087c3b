import type { Escalation } from './types.js';

/** What the transport does next: write the password, feed stdin, or close stdin (sudo asked again: wrong password). */
export type EscalationStep = 'password' | 'stdin' | 'close';

/**
 * Watches a command's stderr for the become handshake (see Escalation).
 * Until the ready line shows, stderr is held back so that sudo's prompt,
 * which has no newline, can be cut out whole; after it, stderr passes as is.
 * Text sudo prints of its own ("Sorry, try again.", "is not in the sudoers
 * file") passes through.
 */
export class EscalationFilter {
  private pending = '';
  private prompts = 0;
  private done = false;

  constructor(private readonly spec: Escalation, private readonly limit = 64 * 1024) {}

  /** Feeds a stderr chunk: what belongs to the command's stderr, and the steps to take, in order. */
  push(chunk: Buffer): { out: Buffer; steps: EscalationStep[] } {
    if (this.done) return { out: chunk, steps: [] };
    this.pending += chunk.toString('latin1');
    const steps: EscalationStep[] = [];
    let at: number;
    while ((at = this.pending.indexOf(this.spec.prompt)) >= 0) {
      this.pending = this.pending.slice(0, at) + this.pending.slice(at + this.spec.prompt.length);
      // One try only: a second prompt means the password was wrong, and sudo must not wait for more.
      steps.push(++this.prompts === 1 ? 'password' : 'close');
    }
    const ready = this.pending.indexOf(`${this.spec.ready}\n`);
    if (ready >= 0) {
      this.pending = this.pending.slice(0, ready) + this.pending.slice(ready + this.spec.ready.length + 1);
      steps.push('stdin');
      return { out: this.flush(), steps };
    }
    if (this.pending.length > this.limit) return { out: this.flush(), steps };
    return { out: Buffer.alloc(0), steps };
  }

  /** Gives up waiting (the command ended): returns what was held back. */
  flush(): Buffer {
    this.done = true;
    const out = Buffer.from(this.pending, 'latin1');
    this.pending = '';
    return out;
  }
}
