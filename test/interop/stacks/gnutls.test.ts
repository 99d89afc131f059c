// The probe's diagnosis against gnutls-serv, run with the probe in a private network namespace: every case of the matrix (cases.ts).
import { describeStack } from './suite';

describeStack('gnutls');
