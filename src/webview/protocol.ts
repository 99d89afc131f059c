// Messages between the connection test panel (webview) and the extension host. Both sides import
// this file; nothing else is shared. The webview sends `ready` first; every request carries an
// `id` that its response repeats. The probe result shape mirrors src/core/probe/types.ts
// (ProbeResult): the host checks at compile time that a ProbeResult is assignable to it. Leaf
// types come from there as type-only imports (erased at build time: no core code in the webview).
import type { AlertInfo, CertSummary, Confidence, DifferentialProbe, ServerStackGuess, StepStatus } from '../core/probe/types';

export type TlsVersionField = '' | '1.2' | '1.3';
export type MqttVersionField = '3.1.1' | '5';
export type FileField = 'caPath' | 'certPath' | 'keyPath';

/** The form. `password` travels only in `run` and `saveProfile`; it is kept in SecretStorage. */
export interface FormState {
  url: string;
  caPath: string;
  certPath: string;
  keyPath: string;
  servername: string;
  tlsVersion: TlsVersionField;
  requestOcsp: boolean;
  mqttVersion: MqttVersionField;
  clientId: string;
  username: string;
  password: string;
  timeoutSeconds: number;
  /** Write the TLS session secrets here (SSLKEYLOGFILE format). Empty: off (the default). */
  keylogPath: string;
}

export interface ProfileSummary {
  name: string;
  url: string;
  hasPassword: boolean;
}

// ---- the probe result as the panel shows it (structural copy of the core's ProbeResult) ----

interface PanelStep {
  name: string;
  title: string;
  startMs: number;
  durationMs: number;
  status: StepStatus;
  details: Array<[string, string]>;
}

/** An alert as the probe reports it. */
type PanelAlert = AlertInfo;

/** A decoded certificate without its PEM (the panel never needs the bytes). */
type PanelCert = Omit<CertSummary, 'pem'>;

export interface PanelResult {
  url: string;
  ok: boolean;
  startedAt: string;
  totalMs: number;
  steps: PanelStep[];
  tls?: { version?: string; cipher?: string; clientCertRequested?: boolean; clientCertSent: boolean; acceptedCaNames: string[] };
  chain?: { certificates: PanelCert[]; origin: 'wire' | 'node'; trusted: boolean; errorCode?: string; problems: string[] };
  hostname?: { host: string; ok: boolean; names: string[]; message?: string };
  staple?: {
    requested: boolean; present: boolean; status?: string; revokedAt?: string; reason?: string; thisUpdate?: string;
    nextUpdate?: string; signatureValid?: boolean; certIdMatches?: boolean; fresh?: boolean; mustStaple: boolean; problems: string[];
  };
  alerts: PanelAlert[];
  mqtt?: { version: string; clientId: string; connack?: { code: number; name: string; reasonString?: string }; roundTrip?: { topic: string; ok: boolean; message?: string } };
  error?: { step: string; code?: string; message: string };
  diagnosis: Array<{ kind: string; severity: 'error' | 'warning'; cause: string; fix: string; confidence: Confidence; evidence: string[] }>;
  differential?: DifferentialProbe[];
  serverStack?: ServerStackGuess;
}

// ---- webview -> host ----

export type WebviewRequest =
  | { type: 'ready' }
  | { type: 'pickFile'; id: number; field: FileField }
  | { type: 'run'; id: number; form: FormState }
  /** Cancel the run whose request id is `runId`. */
  | { type: 'cancel'; id: number; runId: number }
  | { type: 'saveProfile'; id: number; name: string; form: FormState }
  | { type: 'loadProfile'; id: number; name: string }
  | { type: 'deleteProfile'; id: number; name: string }
  /** Open the last result as a text trace in an editor (to copy into a ticket or chat). */
  | { type: 'openTrace'; id: number };

// ---- host -> webview ----

export type HostMessage =
  | { type: 'init'; profiles: ProfileSummary[]; form: FormState }
  | { type: 'picked'; id: number; field: FileField; path?: string }
  | { type: 'runStarted'; id: number }
  | { type: 'runResult'; id: number; result: PanelResult }
  | { type: 'runError'; id: number; message: string }
  | { type: 'profiles'; id: number; profiles: ProfileSummary[]; message?: string }
  | { type: 'profileLoaded'; id: number; name: string; form: FormState }
  | { type: 'traceOpened'; id: number; ok: boolean; message?: string }
  /** Fields to set from the command's args, a tree node or the running local broker (sent after
   * `init`, or at once when the panel is already open); `message` says where they came from and
   * what could not be used. Never carries a password. */
  | { type: 'prefill'; form: Partial<Omit<FormState, 'password'>>; message?: string };

export const DEFAULT_FORM: FormState = {
  url: 'mqtts://localhost:8883',
  caPath: '',
  certPath: '',
  keyPath: '',
  servername: '',
  tlsVersion: '',
  requestOcsp: true,
  mqttVersion: '5',
  clientId: '',
  username: '',
  password: '',
  timeoutSeconds: 10,
  keylogPath: '',
};

/** Narrow check used by the host on everything the webview sends (it is untrusted input). */
export function isWebviewRequest(m: unknown): m is WebviewRequest {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  if (t === 'ready') return true;
  if (typeof (m as { id?: unknown }).id !== 'number') return false;
  switch (t) {
    case 'pickFile': return ['caPath', 'certPath', 'keyPath'].includes(String((m as { field?: unknown }).field));
    case 'run': return isForm((m as { form?: unknown }).form);
    case 'saveProfile': return typeof (m as { name?: unknown }).name === 'string' && isForm((m as { form?: unknown }).form);
    case 'loadProfile':
    case 'deleteProfile': return typeof (m as { name?: unknown }).name === 'string';
    case 'openTrace': return true;
    case 'cancel': return typeof (m as { runId?: unknown }).runId === 'number';
    default: return false;
  }
}

function isForm(f: unknown): f is FormState {
  if (typeof f !== 'object' || f === null) return false;
  const o = f as Record<string, unknown>;
  const strings = ['url', 'caPath', 'certPath', 'keyPath', 'servername', 'clientId', 'username', 'password'];
  return strings.every((k) => typeof o[k] === 'string')
    && ['', '1.2', '1.3'].includes(o.tlsVersion as string)
    && ['3.1.1', '5'].includes(o.mqttVersion as string)
    && typeof o.requestOcsp === 'boolean'
    && typeof o.timeoutSeconds === 'number'
    // Forms saved before the key log option existed have no keylogPath.
    && (o.keylogPath === undefined || typeof o.keylogPath === 'string');
}

/**
 * The host's saved values merged into the form without overwriting the user: a field takes the
 * saved value only when the user has not touched it and it is still empty (or at its default).
 */
export function fillUntouched(current: FormState, saved: Partial<FormState>, touched: ReadonlySet<string>): FormState {
  const out: FormState = { ...current };
  for (const k of Object.keys(saved) as Array<keyof FormState>) {
    const empty = current[k] === '' || current[k] === DEFAULT_FORM[k];
    if (!touched.has(k) && empty && saved[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = saved[k];
  }
  return out;
}
