// The probe's MQTT layer on mqtt-packet: what it builds parses as a broker's codec expects, the
// streaming parser yields packets from odd TCP pieces, MQTT 5 reason codes and properties are
// named, a 3.1.1 CONNACK answering a v5 CONNECT is recognised, and non-MQTT bytes fail.
import { strict as assert } from 'node:assert';
import * as mqttPacket from 'mqtt-packet';
import {
  describeConnack, encodeConnect, encodeDisconnect, encodePublish, encodeSubscribe, MqttFramingError, PacketParser,
} from '../../../src/core/probe/mqtt';

function parse(buf: Buffer, protocolVersion: 4 | 5): mqttPacket.Packet[] {
  const parser = mqttPacket.parser({ protocolVersion });
  const out: mqttPacket.Packet[] = [];
  const errors: Error[] = [];
  parser.on('packet', (p) => out.push(p));
  parser.on('error', (e) => errors.push(e));
  parser.parse(buf);
  assert.deepEqual(errors, []);
  return out;
}

describe('probe MQTT packets (mqtt-packet)', () => {
  for (const version of [4, 5] as const) {
    it(`CONNECT v${version} with credentials parses as a broker expects`, () => {
      const [p] = parse(encodeConnect({ version, clientId: 'dev-1', username: 'u', password: 'p€', keepAliveSeconds: 30 }), version) as mqttPacket.IConnectPacket[];
      assert.equal(p.cmd, 'connect');
      assert.equal(p.protocolVersion, version);
      assert.equal(p.clientId, 'dev-1');
      assert.equal(p.username, 'u');
      assert.equal(String(p.password), 'p€');
      assert.equal(p.keepalive, 30);
      assert.equal(p.clean, true);
    });

    it(`SUBSCRIBE / PUBLISH / DISCONNECT v${version}`, () => {
      const [s] = parse(encodeSubscribe(version, 7, 'a/b'), version) as mqttPacket.ISubscribePacket[];
      assert.equal(s.messageId, 7);
      assert.deepEqual(s.subscriptions.map((x) => [x.topic, x.qos]), [['a/b', 0]]);
      const [pub] = parse(encodePublish(version, 'a/b', Buffer.from('hi')), version) as mqttPacket.IPublishPacket[];
      assert.equal(pub.topic, 'a/b');
      assert.equal(String(pub.payload), 'hi');
      assert.equal(parse(encodeDisconnect(version), version)[0].cmd, 'disconnect');
    });

    it(`reads CONNACK (reason code and reason string), SUBACK and PUBLISH from odd pieces (v${version})`, () => {
      const reader = new PacketParser(version);
      const connack = mqttPacket.generate({ cmd: 'connack', returnCode: version === 5 ? 0x87 : 5, reasonCode: 0x87, sessionPresent: false, properties: version === 5 ? { reasonString: 'no ACL for you' } : undefined } as mqttPacket.IConnackPacket, { protocolVersion: version });
      const suback = mqttPacket.generate({ cmd: 'suback', messageId: 3, granted: [0x80] } as mqttPacket.ISubackPacket, { protocolVersion: version });
      const publish = mqttPacket.generate({ cmd: 'publish', topic: 't/1', payload: Buffer.from('x'), qos: 1, messageId: 9, retain: false, dup: false } as mqttPacket.IPublishPacket, { protocolVersion: version });
      const all = Buffer.concat([connack, suback, publish]);
      const packets = [...reader.push(all.subarray(0, 3)), ...reader.push(all.subarray(3, 11)), ...reader.push(all.subarray(11))];
      assert.deepEqual(packets.map((p) => p.cmd), ['connack', 'suback', 'publish']);
      const c = describeConnack(packets[0] as mqttPacket.IConnackPacket, version);
      assert.equal(c.accepted, false);
      if (version === 5) {
        assert.equal(c.code, 0x87);
        assert.equal(c.name, 'Not authorized');
        assert.equal(c.reasonString, 'no ACL for you');
        assert.equal(c.answeredAs, '5');
      } else {
        assert.equal(c.name, 'Connection refused: not authorized');
      }
      assert.deepEqual((packets[1] as mqttPacket.ISubackPacket).granted, [0x80]);
      assert.equal((packets[2] as mqttPacket.IPublishPacket).topic, 't/1');
    });
  }

  it('a 3.1.1 CONNACK answering a v5 CONNECT is recognised (aedes 1.x does this)', () => {
    const [p] = new PacketParser(5).push(mqttPacket.generate({ cmd: 'connack', returnCode: 1, sessionPresent: false } as mqttPacket.IConnackPacket, { protocolVersion: 4 }));
    const c = describeConnack(p as mqttPacket.IConnackPacket, 5);
    assert.equal(c.answeredAs, '3.1.1');
    assert.equal(c.name, 'Connection refused: unacceptable protocol version');
  });

  it('an MQTT 5 success CONNACK is accepted', () => {
    const [p] = new PacketParser(5).push(mqttPacket.generate({ cmd: 'connack', reasonCode: 0, sessionPresent: false } as mqttPacket.IConnackPacket, { protocolVersion: 5 }));
    assert.deepEqual(describeConnack(p as mqttPacket.IConnackPacket, 5), { sessionPresent: false, code: 0, name: 'Success', reasonString: undefined, answeredAs: '5', accepted: true });
  });

  it('bytes that cannot be MQTT throw a framing error', () => {
    assert.throws(() => new PacketParser(4).push(Buffer.from([0x00, 0x00])), MqttFramingError);
    assert.throws(() => new PacketParser(4).push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])), MqttFramingError);
    assert.throws(() => new PacketParser(4).push(Buffer.from([0x30, 0xff, 0xff, 0x7f])), /larger than expected/);
  });
});
