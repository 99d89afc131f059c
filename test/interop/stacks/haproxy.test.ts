// The probe's diagnosis against HAProxy terminating TLS in front of mosquitto: every case of the matrix (cases.ts).
import { describeStack } from './suite';

describeStack('haproxy');
