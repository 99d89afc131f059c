// Pickers name the command that opened them (src/extension/commands/invocation.ts): the title the
// registry sets survives awaits, a nested command gets its own, and code outside a command says
// "Certscope". The titles come from package.json.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { commandTitles, pickerTitle, runFor } from '../../src/extension/commands/invocation';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('command titles for pickers', () => {
  it('takes "Category: Title" from the manifest, without a trailing ellipsis', () => {
    const titles = commandTitles(JSON.parse(readFileSync('package.json', 'utf8')));
    assert.equal(titles.get('certscope.broker.exportConfig'), 'Certscope: Export Broker Configuration (EMQX, mosquitto)');
    assert.equal(titles.get('certscope.broker.chooseAction'), 'Certscope: Local Broker Actions');
  });

  it('keeps the invoking title across awaits; a nested command has its own; none outside', async () => {
    const seen: string[] = [];
    await Promise.all([
      runFor('Certscope: Export', async () => {
        await tick();
        seen.push(pickerTitle());
        await runFor('Certscope: Inner', async () => { await tick(); seen.push(pickerTitle()); });
        seen.push(pickerTitle());
      }),
      runFor('Certscope: Restart', async () => { await tick(); seen.push(pickerTitle()); }),
    ]);
    assert.deepEqual(seen.sort(), ['Certscope: Export', 'Certscope: Export', 'Certscope: Inner', 'Certscope: Restart']);
    assert.equal(pickerTitle(), 'Certscope');
  });
});
