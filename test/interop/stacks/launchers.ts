// Every stack's launcher by name (the test files and the matrix script start them from here).
import { startErlangStack } from './erlang';
import { startGnutlsStack } from './gnutls';
import { startHaproxyStack } from './haproxy';
import { startMosquittoStack } from './mosquitto';
import { startNginxStack } from './nginx';
import { startOpensslStack } from './openssl';
import type { StackLauncher, StackName } from './stack';

export const LAUNCHERS: Record<StackName, StackLauncher> = {
  openssl: startOpensslStack,
  mosquitto: startMosquittoStack,
  gnutls: startGnutlsStack,
  erlang: startErlangStack,
  nginx: startNginxStack,
  haproxy: startHaproxyStack,
};
