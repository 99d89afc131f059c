// Records the probe's steps with timings relative to the start of the probe.
import { performance } from 'node:perf_hooks';
import type { StepName, StepStatus, TraceStep } from './types';

export class Trace {
  readonly steps: TraceStep[] = [];

  /** `t0`: the origin of an earlier trace this one continues (a probe's second connection). */
  constructor(readonly t0 = performance.now()) {}

  elapsed(): number {
    return Math.round((performance.now() - this.t0) * 10) / 10;
  }

  /** Starts a step; call end() on the handle once its outcome is known. */
  begin(name: StepName, title: string): StepHandle {
    return new StepHandle(this, name, title, this.elapsed());
  }

  /** A step without its own duration (a check made on data already received). */
  add(name: StepName, title: string, status: StepStatus, details: Array<[string, string]>, startMs = this.elapsed(), durationMs = 0): TraceStep {
    const step: TraceStep = { name, title, startMs, durationMs, status, details };
    this.steps.push(step);
    return step;
  }
}

export class StepHandle {
  readonly details: Array<[string, string]> = [];
  private done = false;
  constructor(private readonly trace: Trace, readonly name: StepName, readonly title: string, readonly startMs: number) {}

  detail(key: string, value: string | number | boolean | undefined): this {
    if (value !== undefined && value !== '') this.details.push([key, String(value)]);
    return this;
  }

  end(status: StepStatus): TraceStep | undefined {
    if (this.done) return undefined;
    this.done = true;
    const durationMs = Math.round((this.trace.elapsed() - this.startMs) * 10) / 10;
    return this.trace.add(this.name, this.title, status, this.details, this.startMs, durationMs);
  }
}
