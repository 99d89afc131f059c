// Steps 7-8: MQTT CONNECT -> CONNACK, then a subscribe/publish round trip on a random topic.
// CONNECT is written only now, after the server's verdict on the TLS handshake.
import { randomBytes } from 'node:crypto';
import type { IConnackPacket, IPublishPacket, ISubackPacket } from 'mqtt-packet';
import { errorCode, errorMessage, ProbeError } from '../errors';
import { describeConnack, encodeConnect, encodeDisconnect, encodePublish, encodeSubscribe, MqttFramingError, type Connack, type MqttLevel } from '../mqtt';
import type { ProbeRun } from '../run';
import type { StepHandle } from '../trace';
import { alertFromError } from '../../tls/alerts';

export async function mqttSession(run: ProbeRun): Promise<void> {
  const o = run.options;
  const version: MqttLevel = o.mqttVersion === '3.1.1' ? 4 : 5;
  const clientId = o.clientId ?? `certscope-probe-${randomBytes(4).toString('hex')}`;
  run.result.mqtt = { version: version === 5 ? '5' : '3.1.1', clientId, username: o.username };
  const step = run.trace.begin('mqtt-connect', `MQTT ${version === 5 ? '5' : '3.1.1'} CONNECT -> CONNACK`);
  step.detail('client id', clientId).detail('username', o.username);
  let connack: Connack;
  try {
    run.packets.setVersion(version);
    run.connectWrittenMs = run.trace.elapsed();
    run.send(encodeConnect({ version, clientId, username: o.username, password: o.password, keepAliveSeconds: 30 }));
    connack = describeConnack(await run.packets.next<IConnackPacket>(['connack'], run.timeout, 'MQTT CONNACK'), version);
  } catch (err) {
    await failure(run, step, err);
    return;
  }
  run.result.mqtt.connack = { code: connack.code, name: connack.name, sessionPresent: connack.sessionPresent, reasonString: connack.reasonString, answeredAs: connack.answeredAs };
  step.detail('CONNACK', `${connack.answeredAs === '5' ? `0x${connack.code.toString(16).padStart(2, '0')}` : connack.code} ${connack.name}`)
    .detail('reason string', connack.reasonString).detail('answered as', connack.answeredAs !== run.result.mqtt.version ? `MQTT ${connack.answeredAs}` : undefined);
  if (!connack.accepted) {
    step.end('fail');
    run.fail('mqtt-connect', new ProbeError('ECONNACK', `CONNACK ${connack.code}: ${connack.name}`));
    return;
  }
  step.end('ok');
  if (o.skipRoundTrip) {
    run.completed = true;
    run.send(encodeDisconnect(version));
    return;
  }
  const rt = run.trace.begin('mqtt-roundtrip', 'MQTT subscribe/publish round trip');
  const topic = `certscope/probe/${randomBytes(6).toString('hex')}`;
  run.result.mqtt.roundTrip = { topic, ok: false };
  rt.detail('topic', topic);
  try {
    run.send(encodeSubscribe(version, 1, topic));
    const suback = await run.packets.next<ISubackPacket>(['suback'], run.timeout, 'MQTT SUBACK');
    const codes = suback.granted.map((g) => (typeof g === 'number' ? g : (g as { qos: number }).qos));
    run.result.mqtt.roundTrip.subackCodes = codes;
    rt.detail('SUBACK', codes.map((c) => `0x${c.toString(16).padStart(2, '0')}`).join(' '));
    if (codes.some((c) => c >= 0x80)) {
      throw new ProbeError('ESUBACK', `the broker refused the subscription to ${topic} (SUBACK 0x${codes[0].toString(16)})`);
    }
    const payload = Buffer.from(`certscope probe ${randomBytes(4).toString('hex')}`);
    run.send(encodePublish(version, topic, payload));
    for (;;) {
      const msg = await run.packets.next<IPublishPacket>(['publish'], run.timeout, 'our own published message');
      if (msg.topic === topic && Buffer.from(msg.payload).equals(payload)) break;
    }
    run.result.mqtt.roundTrip.ok = true;
    rt.detail('message', 'published and received back').end('ok');
    run.completed = true;
    run.send(encodeDisconnect(version));
  } catch (err) {
    run.result.mqtt.roundTrip.message = errorMessage(err);
    await failure(run, rt, err);
  }
}

async function failure(run: ProbeRun, step: StepHandle, err: unknown): Promise<void> {
  // Read on until the server closes: an alert that arrives with (or behind) the close explains
  // more than "closed" or a failed write.
  if (!(err instanceof MqttFramingError) && errorCode(err) !== 'ETIMEDOUT') await run.drain();
  const tlsErr = run.tlsErrors.find((e) => alertFromError(e.err as { code?: unknown; message?: unknown }))?.err;
  const shown = err instanceof MqttFramingError ? err : tlsErr ?? err;
  if (err instanceof MqttFramingError && run.packets.firstBytes) {
    const b = run.packets.firstBytes.subarray(0, 24);
    step.detail('server sent', `${b.toString('hex')} "${b.toString('latin1').replace(/[^\x20-\x7e]/g, '.')}"`);
  }
  step.detail('error', errorMessage(shown)).detail('code', errorCode(shown)).end('fail');
  run.fail(step.name, shown);
}
