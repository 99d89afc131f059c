// What the connection test panel starts with when a command opens it: the running local broker's
// URL and CA (the broker Certscope runs is the likeliest target), then the command's args
// `{ url?, ca?, cert?, key?, tls?, ocsp?, mqtt? }` (paths or URIs) on top. Files that do not
// exist are left out with a message instead of failing the command.
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { FormState, MqttVersionField, TlsVersionField } from '../../webview/protocol';
import { loopOf } from '../broker/loop';
import type { Services } from '../services';

type PrefillForm = Partial<Omit<FormState, 'password'>>;

export interface Prefill {
  form: PrefillForm;
  /** Where the values came from and what was left out (shown in the panel). */
  notes: string[];
}

const FILE_ARGS = [['ca', 'caPath', 'CA file'], ['cert', 'certPath', 'Client certificate'], ['key', 'keyPath', 'Client key']] as const;

/** URL and CA of the local broker when it runs, else nothing. */
export function brokerDefaults(services: Services): Prefill {
  const c = loopOf(services)?.controller;
  const url = c?.mqttsUrl();
  if (!c || url === undefined) return { form: {}, notes: [] };
  const ca = c.snapshot().origin?.cacertfile;
  return {
    form: { url, ...(ca ? { caPath: ca } : {}) },
    notes: [`URL${ca ? ' and CA' : ''} of the running local broker`],
  };
}

/** Reads the command's args; anything unusable becomes a note, never an exception. */
export async function prefillFromArgs(raw: unknown): Promise<Prefill> {
  const out: Prefill = { form: {}, notes: [] };
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw) || raw instanceof vscode.Uri) {
    out.notes.push('Ignored the command argument: expected { url, ca, cert, key, tls, ocsp, mqtt }.');
    return out;
  }
  const a = raw as Record<string, unknown>;
  if (typeof a.url === 'string' && a.url.trim()) out.form.url = a.url.trim();
  for (const [arg, field, what] of FILE_ARGS) {
    if (a[arg] === undefined) continue;
    const path = toPath(a[arg]);
    if (!path) { out.notes.push(`${what}: not a path or file URI, left empty.`); continue; }
    const found = await stat(path).then((s) => s.isFile(), () => false);
    if (found) out.form[field] = path;
    else out.notes.push(`${what}: ${path} does not exist, left empty.`);
  }
  if (a.tls !== undefined) {
    const t = String(a.tls).replace(/^TLSv?/i, '');
    if (t === '1.2' || t === '1.3' || t === '') out.form.tlsVersion = t as TlsVersionField;
    else out.notes.push(`TLS version "${String(a.tls)}" is not 1.2 or 1.3, ignored.`);
  }
  if (a.ocsp !== undefined) {
    if (typeof a.ocsp === 'boolean') out.form.requestOcsp = a.ocsp;
    else out.notes.push('ocsp must be true or false, ignored.');
  }
  if (a.mqtt !== undefined) {
    const m = String(a.mqtt);
    if (m === '5' || m === '3.1.1') out.form.mqttVersion = m as MqttVersionField;
    else if (m === '4') out.form.mqttVersion = '3.1.1';
    else out.notes.push(`MQTT version "${m}" is not 3.1.1 or 5, ignored.`);
  }
  return out;
}

/** Broker defaults first, args on top: args always win. */
export function mergePrefill(base: Prefill, top: Prefill): Prefill {
  const notes = Object.keys(top.form).length ? ['values passed to the command', ...top.notes] : top.notes;
  return { form: { ...base.form, ...top.form }, notes: [...base.notes, ...notes] };
}

export function describePrefill(p: Prefill): string | undefined {
  return p.notes.length ? `Pre-filled: ${p.notes.join('; ')}` : undefined;
}

function toPath(v: unknown): string | undefined {
  if (v instanceof vscode.Uri) return v.scheme === 'file' ? v.fsPath : undefined;
  if (typeof v !== 'string' || !v.trim()) return undefined;
  const s = v.trim();
  if (/^file:\/\//i.test(s)) return vscode.Uri.parse(s).fsPath;
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(s)) return undefined;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return isAbsolute(s) || !base ? s : resolve(base, s);
}
