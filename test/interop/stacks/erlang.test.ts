// The probe's diagnosis against an Erlang/OTP ssl listener configured like EMQX's: every case of the matrix (cases.ts).
import { describeStack } from './suite';

describeStack('erlang');
