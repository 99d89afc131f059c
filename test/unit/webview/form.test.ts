// The Connection Test form never overwrites what the user typed (issue 11 §3): the host's saved
// values arrive in the init message after the form may already hold the user's input.
import { strict as assert } from 'node:assert';
import { DEFAULT_FORM, fillUntouched, type FormState } from '../../../src/webview/protocol';

describe('Connection Test form: saved values fill only empty, untouched fields', () => {
  const saved: FormState = { ...DEFAULT_FORM, url: 'mqtts://saved:8883', caPath: '/saved/ca.pem', clientId: 'saved-client', mqttVersion: '5' };

  it('a typed URL and client id survive the init message; empty fields take the saved values', () => {
    const typed: FormState = { ...DEFAULT_FORM, url: 'mqtts://typed:1883', clientId: 'typed-id' };
    const out = fillUntouched(typed, saved, new Set(['url', 'clientId']));
    assert.equal(out.url, 'mqtts://typed:1883');
    assert.equal(out.clientId, 'typed-id');
    assert.equal(out.caPath, '/saved/ca.pem');
    assert.equal(out.mqttVersion, '5');
  });

  it('a field the user cleared or set back to its default stays as the user left it', () => {
    const cleared: FormState = { ...DEFAULT_FORM, caPath: '' };
    const out = fillUntouched(cleared, saved, new Set(['caPath', 'mqttVersion']));
    assert.equal(out.caPath, '');
    assert.equal(out.mqttVersion, DEFAULT_FORM.mqttVersion);
  });

  it('a field restored from the panel state (non-empty) is not replaced even if untouched', () => {
    const restored: FormState = { ...DEFAULT_FORM, certPath: '/restored/client.crt' };
    assert.equal(fillUntouched(restored, { ...saved, certPath: '/saved/client.crt' }, new Set()).certPath, '/restored/client.crt');
  });
});
