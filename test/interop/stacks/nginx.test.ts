// The probe's diagnosis against nginx stream terminating TLS in front of mosquitto: every case of the matrix (cases.ts).
import { describeStack } from './suite';

describeStack('nginx');
