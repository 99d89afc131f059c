// The connection test panel (browser side): a form, saved profiles, and the result as a timeline
// with the alert highlighted, the server chain, the staple and the diagnosis. Plain DOM; all text
// goes through textContent (never innerHTML), so nothing the server sends can inject markup.
import {
  DEFAULT_FORM, fillUntouched, type FileField, type FormState, type HostMessage, type PanelResult, type ProfileSummary, type WebviewRequest,
} from './protocol';
import { formatElapsed } from '../core/duration';
import { formatIso } from '../core/dates';
import { colonSerial } from '../core/serial';

interface VsCodeApi {
  postMessage(message: WebviewRequest): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let nextId = 1;
let form: FormState = { ...DEFAULT_FORM };
let profiles: ProfileSummary[] = [];
let runningId: number | undefined;
let result: PanelResult | undefined;
let runError: string | undefined;
let notice = '';

type Child = Node | string | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}

function send(m: WebviewRequest): void {
  vscode.postMessage(m);
}

// ---------------------------------------------------------------- form

function textField(label: string, key: 'url' | 'servername' | 'clientId' | 'username' | 'password', placeholder = '', type = 'text'): HTMLElement {
  const input = h('input', { id: `f-${key}`, type, value: form[key], placeholder, autocomplete: 'off', spellcheck: 'false' });
  input.addEventListener('input', () => { form[key] = input.value; });
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

function fileField(label: string, key: FileField): HTMLElement {
  const input = h('input', { id: `f-${key}`, type: 'text', value: form[key], placeholder: 'path to a PEM file', spellcheck: 'false' });
  input.addEventListener('input', () => { form[key] = input.value; });
  const browse = h('button', { type: 'button', class: 'secondary', id: `pick-${key}` }, 'Browse…');
  browse.addEventListener('click', () => send({ type: 'pickFile', id: nextId++, field: key }));
  return h('label', { class: 'field' }, h('span', {}, label), h('div', { class: 'row' }, input, browse));
}

/** Off unless a path is typed: the file lets anyone holding it decrypt the captured session. */
function keylogField(): HTMLElement {
  const input = h('input', { id: 'f-keylogPath', type: 'text', value: form.keylogPath ?? '', placeholder: 'off (leave empty)', spellcheck: 'false', autocomplete: 'off' });
  input.addEventListener('input', () => { form.keylogPath = input.value; });
  return h('label', { class: 'field' }, h('span', {}, 'Write a TLS key log (for Wireshark) to'), input,
    h('small', { class: 'hint', id: 'keylog-hint' }, 'The file is SECRET: whoever has it can decrypt the captured session. Created with mode 0600.'));
}

function selectField<T extends string>(label: string, id: string, options: Array<[T, string]>, value: T, onChange: (v: T) => void): HTMLElement {
  const select = h('select', { id });
  for (const [v, text] of options) select.append(h('option', { value: v, selected: v === value }, text));
  select.addEventListener('change', () => onChange(select.value as T));
  return h('label', { class: 'field' }, h('span', {}, label), select);
}

function renderForm(): HTMLElement {
  const ocsp = h('input', { type: 'checkbox', id: 'f-requestOcsp', checked: form.requestOcsp });
  ocsp.addEventListener('change', () => { form.requestOcsp = ocsp.checked; });
  const timeout = h('input', { type: 'number', id: 'f-timeout', min: '1', max: '120', value: String(form.timeoutSeconds) });
  timeout.addEventListener('input', () => { form.timeoutSeconds = Number(timeout.value) || 10; });
  const run = h('button', { type: 'submit', id: 'run', disabled: runningId !== undefined }, runningId !== undefined ? 'Running…' : 'Run test');

  const profileSelect = h('select', { id: 'profile' }, h('option', { value: '' }, profiles.length ? '(choose a profile)' : '(no saved profiles)'),
    ...profiles.map((p) => h('option', { value: p.name }, `${p.name} — ${p.url}${p.hasPassword ? ' 🔒' : ''}`)));
  const load = h('button', { type: 'button', class: 'secondary', id: 'profile-load' }, 'Load');
  load.addEventListener('click', () => { if (profileSelect.value) send({ type: 'loadProfile', id: nextId++, name: profileSelect.value }); });
  const del = h('button', { type: 'button', class: 'secondary', id: 'profile-delete' }, 'Delete');
  del.addEventListener('click', () => { if (profileSelect.value) send({ type: 'deleteProfile', id: nextId++, name: profileSelect.value }); });
  const nameInput = h('input', { type: 'text', id: 'profile-name', placeholder: 'profile name' });
  const save = h('button', { type: 'button', class: 'secondary', id: 'profile-save' }, 'Save');
  save.addEventListener('click', () => { if (nameInput.value.trim()) send({ type: 'saveProfile', id: nextId++, name: nameInput.value, form: { ...form } }); });

  const el = h('form', { id: 'form' },
    h('fieldset', {}, h('legend', {}, 'Broker'),
      textField('Broker URL', 'url', 'mqtts://host:8883, wss://host:8084/mqtt, tls://host:port'),
      h('div', { class: 'grid' },
        textField('Server name (SNI)', 'servername', 'default: the URL host'),
        selectField('TLS version', 'f-tls', [['', 'TLS 1.2 or 1.3'], ['1.2', 'TLS 1.2 only'], ['1.3', 'TLS 1.3 only']], form.tlsVersion, (v) => { form.tlsVersion = v; }),
        selectField('MQTT version', 'f-mqtt', [['3.1.1', 'MQTT 3.1.1'], ['5', 'MQTT 5']], form.mqttVersion, (v) => { form.mqttVersion = v; }),
        h('label', { class: 'field' }, h('span', {}, 'Timeout per step (s)'), timeout)),
      h('label', { class: 'check' }, ocsp, ' Request a stapled OCSP response')),
    h('fieldset', {}, h('legend', {}, 'Certificates'),
      fileField('CA certificate(s) for the broker', 'caPath'),
      fileField('Client certificate', 'certPath'),
      fileField('Client key', 'keyPath'),
      keylogField()),
    h('fieldset', {}, h('legend', {}, 'MQTT credentials (optional)'),
      h('div', { class: 'grid' }, textField('Client ID', 'clientId', 'default: certscope-probe-…'), textField('User name', 'username'), textField('Password', 'password', '', 'password'))),
    h('fieldset', {}, h('legend', {}, 'Profiles (this workspace; passwords in secret storage)'),
      h('div', { class: 'row' }, profileSelect, load, del), h('div', { class: 'row' }, nameInput, save)),
    h('div', { class: 'actions' }, run, runningId !== undefined && cancelButton(runningId), notice && h('span', { class: 'notice', id: 'notice' }, notice)));
  el.addEventListener('submit', (e) => {
    e.preventDefault();
    if (runningId !== undefined) return;
    runningId = nextId++;
    result = undefined;
    runError = undefined;
    send({ type: 'run', id: runningId, form: { ...form } });
    render();
  });
  return el;
}

function cancelButton(runId: number): HTMLElement {
  const b = h('button', { type: 'button', class: 'secondary', id: 'cancel' }, 'Cancel');
  b.addEventListener('click', () => send({ type: 'cancel', id: nextId++, runId }));
  return b;
}

// ---------------------------------------------------------------- results

const ICON: Record<string, string> = { ok: '✓', fail: '✗', warn: '!', skipped: '–' };

function renderResult(r: PanelResult): HTMLElement {
  const out = h('section', { id: 'result', class: r.ok ? 'works' : 'fails' });
  out.append(h('h2', { class: 'verdict', id: 'verdict' }, r.ok ? `✓ The connection works (${formatElapsed(r.totalMs)})` : `✗ The connection fails (${formatElapsed(r.totalMs)})`));
  const asText = h('button', { type: 'button', class: 'secondary', id: 'open-trace' }, 'Open as text');
  asText.addEventListener('click', () => send({ type: 'openTrace', id: nextId++ }));
  out.append(h('div', { class: 'actions' }, asText));
  for (const a of r.alerts.filter((x) => x.direction === 'received')) {
    out.append(h('div', { class: 'alert', role: 'alert', id: 'alert' },
      h('strong', {}, `TLS alert ${a.name} (${a.number})`),
      ` received ${a.phase === 'after-handshake' ? 'after' : 'during'} the handshake${a.evidence === 'record' ? ' — read from the record on the wire' : ''}`));
  }
  if (r.diagnosis.length) {
    out.append(h('h3', {}, 'Diagnosis'), h('ul', { class: 'diagnosis', id: 'diagnosis' }, ...r.diagnosis.map((d) =>
      h('li', { class: `${d.severity} c-${d.confidence}`, 'data-kind': d.kind },
        h('div', { class: 'cause' }, h('span', { class: 'confidence' }, `${d.confidence ?? ''} `), d.cause),
        h('div', { class: 'fix' }, h('span', { class: 'label' }, 'Fix: '), d.fix),
        (d.evidence ?? []).length > 0 && h('details', { class: 'evidence' }, h('summary', {}, 'Evidence'), h('ul', {}, ...d.evidence.map((e) => h('li', {}, e))))))));
  }
  if (r.serverStack) {
    out.append(h('p', { class: 'stack', id: 'server-stack' }, `Server TLS stack (${r.serverStack.confidence}): ${r.serverStack.name} — ${r.serverStack.evidence.join('; ')}`));
  }
  if (r.differential?.length) {
    out.append(h('h3', {}, 'Extra probes'), h('ul', { class: 'differential', id: 'differential' }, ...r.differential.map((x) => h('li', {}, h('strong', {}, x.variant), `: ${x.outcome}`))));
  }
  out.append(h('h3', {}, 'Timeline'), renderTimeline(r));
  if (r.chain) out.append(h('h3', {}, `Server chain (${r.chain.origin === 'wire' ? 'as sent' : 'as rebuilt by Node'})`), renderChain(r));
  if (r.staple) out.append(h('h3', {}, 'Stapled OCSP response'), renderStaple(r));
  return out;
}

function renderTimeline(r: PanelResult): HTMLElement {
  const total = Math.max(r.totalMs, 1);
  const list = h('ol', { class: 'timeline', id: 'timeline' });
  for (const s of r.steps) {
    const bar = h('div', { class: 'bar' }, h('div', { class: `fill s-${s.status}` }));
    // Inline styles are blocked by the CSP: widths are set through the CSSOM instead.
    const fill = bar.firstElementChild as HTMLElement;
    fill.style.marginLeft = `${(100 * s.startMs) / total}%`;
    fill.style.width = `${Math.max(0.5, (100 * s.durationMs) / total)}%`;
    const details = h('dl', {});
    for (const [k, v] of s.details) {
      if (k === 'ALERT') details.append(h('dt', { class: 'alert-key' }, 'ALERT'), h('dd', { class: 'alert-value' }, v));
      else details.append(h('dt', {}, k), h('dd', {}, v));
    }
    list.append(h('li', { class: `step s-${s.status}`, 'data-step': s.name },
      h('div', { class: 'head' }, h('span', { class: `icon s-${s.status}` }, ICON[s.status] ?? '?'), h('span', { class: 'title' }, s.title),
        h('span', { class: 'time' }, `+${formatElapsed(s.startMs)}${s.durationMs ? ` · ${formatElapsed(s.durationMs)}` : ''}`)),
      bar, s.details.length ? details : undefined));
  }
  return list;
}

function renderChain(r: PanelResult): HTMLElement {
  const c = r.chain!;
  const wrap = h('div', { class: 'chain', id: 'chain' });
  c.certificates.forEach((cert, i) => {
    wrap.append(h('details', { open: i === 0 },
      h('summary', {}, `#${i} ${cert.subject}${cert.validity !== 'valid' ? ` (${cert.validity})` : ''}`),
      h('dl', {},
        h('dt', {}, 'issuer'), h('dd', {}, cert.issuer),
        h('dt', {}, 'serial'), h('dd', {}, colonSerial(cert.serialHex)),
        h('dt', {}, 'valid'), h('dd', {}, `${formatIso(cert.notBefore)} → ${formatIso(cert.notAfter)}`),
        cert.sans.length > 0 && h('dt', {}, 'names'), cert.sans.length > 0 && h('dd', {}, cert.sans.join(', ')),
        h('dt', {}, 'SHA-256'), h('dd', { class: 'mono' }, cert.sha256),
        cert.mustStaple && h('dt', {}, 'must-staple'), cert.mustStaple && h('dd', {}, 'yes'))));
  });
  wrap.append(h('p', { class: c.trusted ? 'ok' : 'bad' }, c.trusted ? 'Trusted.' : `Not trusted${c.errorCode ? ` (${c.errorCode})` : ''}.`));
  for (const p of c.problems) wrap.append(h('p', { class: 'problem' }, p));
  if (r.hostname) wrap.append(h('p', { class: r.hostname.ok ? 'ok' : 'bad' }, r.hostname.ok ? `Valid for ${r.hostname.host}.` : r.hostname.message ?? `Not valid for ${r.hostname.host}.`));
  return wrap;
}

function renderStaple(r: PanelResult): HTMLElement {
  const s = r.staple!;
  const rows: Array<[string, string | undefined]> = [
    ['stapled', s.present ? 'yes' : 'no'], ['status', s.status], ['revoked at', s.revokedAt && formatIso(s.revokedAt)], ['reason', s.reason],
    ['thisUpdate', s.thisUpdate && formatIso(s.thisUpdate)], ['nextUpdate', s.nextUpdate && formatIso(s.nextUpdate)],
    ['signature', s.signatureValid === undefined ? undefined : s.signatureValid ? 'valid' : 'INVALID'],
    ['certID', s.certIdMatches === undefined ? undefined : s.certIdMatches ? 'matches' : 'does not match'],
    ['fresh', s.fresh === undefined ? undefined : s.fresh ? 'yes' : 'no'], ['must-staple', s.mustStaple ? 'yes' : 'no'],
  ];
  const dl = h('dl', { class: 'staple', id: 'staple' });
  for (const [k, v] of rows) if (v !== undefined) dl.append(h('dt', {}, k), h('dd', { class: k === 'status' ? `status-${v}` : undefined }, v));
  for (const p of s.problems) dl.append(h('dt', {}, 'problem'), h('dd', { class: 'bad' }, p));
  return dl;
}

// ---------------------------------------------------------------- wiring

function render(): void {
  const app = document.getElementById('app')!;
  const parts: Node[] = [h('h1', {}, 'Connection Test'), renderForm()];
  if (runningId !== undefined) parts.push(h('p', { class: 'running', id: 'running' }, 'Connecting…'));
  if (runError) parts.push(h('div', { class: 'alert', role: 'alert', id: 'run-error' }, runError));
  if (result) parts.push(renderResult(result));
  app.replaceChildren(...parts);
  vscode.setState({ form: { ...form, password: '' }, result });
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      // The host's saved values go only into fields the user has not typed in (issue 11 §3).
      form = fillUntouched(form, m.form, touched);
      profiles = m.profiles;
      initialised = true;
      break;
    case 'picked':
      if (m.path) form[m.field] = m.path;
      break;
    case 'runStarted':
      break;
    case 'runResult':
      if (m.id !== runningId) return;
      runningId = undefined;
      result = m.result;
      break;
    case 'runError':
      if (m.id === runningId) runningId = undefined;
      runError = m.message;
      break;
    case 'profiles':
      profiles = m.profiles;
      notice = m.message ?? '';
      break;
    case 'profileLoaded':
      form = { ...DEFAULT_FORM, ...m.form };
      notice = `Loaded profile "${m.name}"`;
      break;
    case 'prefill':
      form = { ...form, ...m.form };
      notice = m.message ?? '';
      break;
    case 'traceOpened':
      notice = m.ok ? '' : m.message ?? '';
      break;
  }
  if (initialised) render();
});

/** Fields the user changed in this panel (input ids f-<field>; the timeout's is f-timeout). */
const touched = new Set<string>();
const FIELD_OF_ID: Record<string, keyof FormState> = { 'f-timeout': 'timeoutSeconds', 'f-tls': 'tlsVersion', 'f-mqtt': 'mqttVersion' };
for (const ev of ['input', 'change']) {
  document.addEventListener(ev, (e) => {
    const id = (e.target as HTMLElement | null)?.id ?? '';
    if (id.startsWith('f-')) touched.add(FIELD_OF_ID[id] ?? id.slice(2));
  });
}


let initialised = false;
const saved = vscode.getState() as { form?: FormState; result?: PanelResult } | undefined;
if (saved?.form) form = { ...DEFAULT_FORM, ...saved.form };
if (saved?.result) result = saved.result;
// Without state of its own the form waits for the host's saved values instead of showing defaults
// that the init message would then replace under the user's fingers.
if (saved?.form) { initialised = true; render(); } else document.getElementById('app')!.replaceChildren(h('p', { id: 'loading' }, 'Loading…'));
send({ type: 'ready' });
