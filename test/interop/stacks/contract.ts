// The contract a case's outcome must keep: the verdict, diagnosis[0].kind, a confident answer (that
// names the --crl file it rests on), and no cause the setup contradicts (another matrix cause, or an
// MQTT-level cause for a TLS-level refusal).
import { basename } from 'node:path';
import type { FailureKind } from '../../../src/core/probe/types';
import { CONTRACT_KINDS, MQTT_LEVEL_KINDS, MQTT_LEVEL_WORDS, type MatrixCase } from './cases';
import type { CaseOutcome } from './matrix-run';

/** Why the outcome breaks the contract, or undefined when it keeps it. */
export function contractViolation(o: CaseOutcome, expect: MatrixCase['expect']): string | undefined {
  const r = o.run.result;
  const shown = `exit ${o.run.code}, diagnosis ${JSON.stringify(r.diagnosis.map((d) => ({ kind: d.kind, severity: d.severity, confidence: d.confidence, cause: d.cause })))}`;
  if (expect === 'ok') {
    if (!r.ok || o.run.code !== 0) return `expected the connection to work; ${shown}`;
    const errors = r.diagnosis.filter((d) => d.severity === 'error');
    if (errors.length) return `works, yet the diagnosis names errors; ${shown}`;
    return undefined;
  }
  if (r.ok || o.run.code !== 1) return `expected a failure (exit 1) diagnosed as ${expect}; ${shown}`;
  if (o.answer !== expect) return `expected diagnosis[0].kind ${expect}, got ${o.answer}; ${shown}`;
  if (o.confidence !== 'certain' && o.confidence !== 'likely') return `expected confidence certain or likely, got ${o.confidence}; ${shown}`;
  // A cause that rests on the CRL the user gave says which one.
  const crl = o.run.args[o.run.args.indexOf('--crl') + 1];
  if (o.run.args.includes('--crl') && !r.diagnosis[0].cause.includes(basename(crl))) return `the cause does not name the CRL it rests on (${basename(crl)}); ${shown}`;
  for (const d of r.diagnosis) {
    if ((CONTRACT_KINDS as readonly FailureKind[]).includes(d.kind) && d.kind !== expect) return `also names ${d.kind}, which this setup contradicts; ${shown}`;
    // Every failing case is refused at the TLS level (or is not TLS): the server never judged a CONNECT.
    if (MQTT_LEVEL_KINDS.includes(d.kind)) return `names the MQTT-level cause ${d.kind} for a TLS-level refusal; ${shown}`;
    if (d.severity === 'error' && MQTT_LEVEL_WORDS.test(d.cause)) return `blames ${MQTT_LEVEL_WORDS.exec(d.cause)![0]} for a TLS-level refusal; ${shown}`;
  }
  return undefined;
}
