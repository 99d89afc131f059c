import { strict as assert } from 'node:assert';
import { parseProbeUrl, ProbeUrlError } from '../../../src/core/probe/url';

describe('probe URL', () => {
  it('defaults: mqtts 8883, wss 443 with /mqtt', () => {
    assert.deepEqual(parseProbeUrl('mqtts://broker.local'), { scheme: 'mqtts', host: 'broker.local', port: 8883, path: '' });
    assert.deepEqual(parseProbeUrl('wss://h'), { scheme: 'wss', host: 'h', port: 443, path: '/mqtt' });
    assert.deepEqual(parseProbeUrl('wss://h:8084/ws?x=1'), { scheme: 'wss', host: 'h', port: 8084, path: '/ws?x=1' });
    assert.deepEqual(parseProbeUrl('tls://[::1]:993'), { scheme: 'tls', host: '::1', port: 993, path: '' });
    assert.equal(parseProbeUrl('ssl://h').scheme, 'mqtts');
  });

  it('clear messages for bad URLs', () => {
    assert.throws(() => parseProbeUrl('localhost:8883'), (e: Error) => e instanceof ProbeUrlError && /unsupported scheme/.test(e.message));
    assert.throws(() => parseProbeUrl('tls://h'), /tls:\/\/ needs a port/);
    assert.throws(() => parseProbeUrl('mqtt://h'), /unencrypted/);
    assert.throws(() => parseProbeUrl('ws://h'), /use wss/);
    assert.throws(() => parseProbeUrl('::'), /is not a URL/);
    assert.throws(() => parseProbeUrl('mqtts://h:0'), /bad port/);
  });
});
