// The probe's diagnosis against openssl s_server: every case of the matrix (cases.ts).
import { describeStack } from './suite';

describeStack('openssl');
