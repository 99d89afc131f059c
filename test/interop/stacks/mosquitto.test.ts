// The probe's diagnosis against mosquitto: every case of the matrix (cases.ts).
import { describeStack } from './suite';

describeStack('mosquitto');
