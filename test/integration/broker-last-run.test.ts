// A window reload ends the extension host and the local broker in it. The next activation says so
// and offers "Start Again": checked here with the module the extension uses (rememberBrokerRuns)
// over a fresh memento and a controller stand-in for the reloaded window, and the real
// certscope.broker.start behind the offer, which must bring the broker up on the same CA.
import { strict as assert } from 'node:assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { rememberBrokerRuns } from '../../src/extension/broker/lastRun';
import type { BrokerController } from '../../src/extension/broker/controller';
import { brokerStatus, quietly, until, withWindowStubs, workspaceRoot } from './loop-helpers';

interface Issued { cert: string }

class MapMemento implements vscode.Memento {
  private readonly values = new Map<string, unknown>();
  keys(): readonly string[] { return [...this.values.keys()]; }
  get<T>(key: string, fallback?: T): T | undefined { return (this.values.has(key) ? this.values.get(key) : fallback) as T | undefined; }
  update(key: string, value: unknown): Thenable<void> {
    if (value === undefined) this.values.delete(key); else this.values.set(key, value);
    return Promise.resolve();
  }
}

/** What rememberBrokerRuns reads of the controller: its change event and snapshot. */
function controllerStandIn(): { controller: BrokerController; set(running?: { caDir: string; certfile: string; port: number }): void } {
  const changed = new vscode.EventEmitter<void>();
  let snap: unknown = { running: false };
  const controller = { disposing: false, onDidChange: changed.event, snapshot: () => snap } as unknown as BrokerController;
  return {
    controller,
    set(running) {
      snap = running
        ? { running: true, origin: { caDir: running.caDir, certfile: running.certfile }, state: { listeners: [{ transport: 'mqtts', port: running.port }] } }
        : { running: false };
      changed.fire();
    },
  };
}

describe('the local broker after a window reload (extension host)', function () {
  this.timeout(90_000);
  const dir = join(workspaceRoot(), `it-last-run-${process.pid}`);
  let serverCert: string;

  before(async () => {
    assert.deepEqual((await quietly('certscope.ca.create', { dir, cn: 'IT Last Run CA', key: 'p256' })).errors, []);
    const issued = await quietly<Issued>('certscope.ca.issueServer', { caDir: dir, cn: 'localhost', sans: ['localhost', '127.0.0.1'], key: 'p256', days: 30 });
    assert.deepEqual(issued.errors, []);
    serverCert = issued.result.cert;
  });

  after(async () => {
    await quietly('certscope.broker.stop');
    rmSync(dir, { recursive: true, force: true });
  });

  it('remembers a running broker, forgets it on a stop, and after a reload "Start Again" starts it on the same CA', async () => {
    const memento = new MapMemento();
    const before = controllerStandIn();
    const sub = rememberBrokerRuns(memento, before.controller);
    before.set({ caDir: dir, certfile: serverCert, port: 18883 });
    assert.equal(memento.keys().length, 1, 'a running broker is remembered');
    before.set(undefined);
    assert.equal(memento.keys().length, 0, 'a stop by the user forgets it');
    before.set({ caDir: dir, certfile: serverCert, port: 18883 });
    sub.dispose();

    // The reloaded window: a new activation reads what the old one left.
    const offered: string[] = [];
    const after = controllerStandIn();
    const { result: sub2 } = await withWindowStubs({
      showInformationMessage: (message: string, ...items: string[]) => { offered.push(message); return items.includes('Start Again') ? 'Start Again' : undefined; },
    }, async () => {
      const d = rememberBrokerRuns(memento, after.controller);
      await new Promise((r) => setTimeout(r, 50));
      return d;
    });
    sub2.dispose();
    assert.match(offered[0] ?? '', /local broker on port 18883 stopped when the window reloaded/);
    assert.equal(memento.keys().length, 0, 'the offer is made once');
    const state = await until('the broker started again', async () => {
      const [first] = await brokerStatus();
      return first?.label === 'Running' ? first : undefined;
    }, 30_000);
    assert.equal(state.label, 'Running');
    // Started on the same CA: its CRL is the one loaded, its OCSP responder answers for it.
    const nodes = await brokerStatus();
    assert.ok(nodes.find((n) => n.id === 'crl')?.children?.some((c) => c.id === `crlsrc:${join(dir, 'crl.pem')}`), JSON.stringify(nodes));
    assert.match(nodes.find((n) => n.id === 'ocsp')?.description ?? '', /IT Last Run CA/);
  });
});
